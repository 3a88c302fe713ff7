// Starts `seipc lsp` (stdio) for .seip files; everything else (diagnostics, hover,
// completion, formatting) comes from the server.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('seip').get('server.path', 'seipc');
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient(
    'seip',
    'seip language server',
    { run: server, debug: server },
    { documentSelector: [{ scheme: 'file', language: 'seip' }, { scheme: 'untitled', language: 'seip' }] },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
