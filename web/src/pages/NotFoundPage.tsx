import { Text, Title2 } from '@fluentui/react-components';
import { AppLink } from '../components/AppLink';

/** Shown for app paths that name no page. */
export function NotFoundPage() {
  return (
    <section aria-labelledby="nf-title">
      <Title2 as="h1" id="nf-title">
        Page not found
      </Title2>
      <Text as="p" block>
        There is nothing at this address. <AppLink href="/customers">Go to your customers</AppLink>.
      </Text>
    </section>
  );
}
