/**
 * A yes/no question before an action that cannot be undone, as an alert dialog: the title names
 * the action, the confirm button repeats it, and Escape or Cancel answers no.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Spinner, Text } from '@fluentui/react-components';
import { useState } from 'react';

/**
 * Stays mounted and closes through `open`: a Fluent Dialog unmounted while open leaves
 * aria-hidden on the page (microsoft/fluentui#35139), hiding it from screen readers.
 *
 * @example
 * <ConfirmDialog open={asking} title="Restore snapshot clean?" message="Every write since … is undone." confirm="Restore" onConfirm={restore} onClose={() => setAsking(false)} />
 */
export function ConfirmDialog({ open, title, message, confirm, onConfirm, onClose }: { open: boolean; title: string; message: string; confirm: string; onConfirm: () => Promise<void>; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      onClose();
    }
  };
  return (
    <Dialog open={open} modalType="alert" onOpenChange={(_, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            <Text>{message}</Text>
          </DialogContent>
          <DialogActions fluid>
            <Button onClick={onClose} disabledFocusable={busy}>Cancel</Button>
            <Button appearance="primary" onClick={go} disabledFocusable={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
              {confirm}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
