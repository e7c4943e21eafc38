// `npm ci` / `npm install` in a checkout builds everything, so `npm start` works right after.
// `npm pack` and `npm publish` also run `prepare`, but after `prepack`, which has just built from a
// clean dist/; building a second time there would only double the time.
import { execSync } from 'node:child_process';

if (!['pack', 'publish'].includes(process.env.npm_command ?? '')) execSync('npm run build', { stdio: 'inherit' });
