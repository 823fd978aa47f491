#!/usr/bin/env node
// Entry point for `npx stackscope`: loads the TypeScript CLI through tsx's loader,
// so the same sources run here, in tests and in the browser bundle.
import { register } from 'tsx/esm/api';

register();
// `stackscope ... | head` closes the pipe early: stop quietly, like other command-line tools.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
