#!/usr/bin/env node
// Entry point for `npx stackscope`: loads the TypeScript CLI through tsx's loader,
// so the same sources run here, in tests and in the browser bundle.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
