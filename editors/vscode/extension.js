// Starts `redress lsp` for .proc files; everything the editor shows
// beyond highlighting comes from that server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("redress").get("path", "redress");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "redress",
    "redress",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "redress" }, { scheme: "untitled", language: "redress" }] }
  );
  client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `redress: could not start \`${command} lsp\` (${error.message}). ` +
        "Install redress (cargo install --path .) or set redress.path."
    );
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
