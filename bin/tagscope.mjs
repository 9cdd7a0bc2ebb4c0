#!/usr/bin/env node
// `npx tagscope …`: bundles the TypeScript CLI on the fly (scripts/bundle.mjs) and runs it, so it works
// right after `npm install` with no build step by hand.
import { importBundled } from '../scripts/bundle.mjs';

const { main } = await importBundled('src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
