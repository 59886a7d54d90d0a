#!/usr/bin/env node
// The `argmax` command (package.json "bin"). The project is TypeScript run through tsx, and a
// bin must be a file node can start by itself: this one loads tsx, as `node --import tsx` does,
// then the command.
import 'tsx';

await import('./main.ts');
