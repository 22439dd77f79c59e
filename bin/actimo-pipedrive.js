#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so it works right after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../server/cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
