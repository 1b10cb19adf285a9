// The language server's entry point (dist/server.js): the only place that creates the LSP connection.
//
// `node dist/server.js --stdio` for editors that speak over stdio (Neovim, tests);
// vscode-languageclient starts it with --node-ipc. createConnection reads which from argv.

import { join } from 'node:path';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './lsp/server';

const connection = createConnection(ProposedFeatures.all);
// The worker is bundled beside this file (build.mjs: dist/worker.js).
startServer(connection, { workerPath: join(__dirname, 'worker.js'), exit: (code) => process.exit(code) });
