//! `redress lsp`: a language server over standard input and output, so
//! that editors show the diagnostics `redress check` finds as the text is
//! typed, and offer hover, definitions, references, completion, the
//! outline, formatting and quick fixes.
//!
//! Diagnostics come from the one compile pipeline ([`crate::compile`]);
//! everything else reads the AST. The protocol itself (framing, the
//! handshake, shutdown) is `lsp-server`'s; its types are `lsp-types`'.
//! The server writes only JSON-RPC on standard output, through the
//! connection.

mod complete;
mod diagnostics;
mod hover;
mod index;
mod outline;
mod position;
mod server;

use lsp_server::{Connection, ProtocolError};
use thiserror::Error;

/// Why the server stopped other than by the editor's `exit`.
#[derive(Debug, Error)]
pub enum LspError {
    /// The editor broke the protocol (no `initialize` first, say).
    #[error("the editor broke the language server protocol: {0}")]
    Protocol(ProtocolError),
    /// The editor's end of the connection went away before the handshake
    /// ended or while the server was answering.
    #[error("the editor closed the connection")]
    Disconnected,
    /// Reading standard input or writing standard output failed.
    #[error("reading from or writing to the editor failed: {0}")]
    Io(#[from] std::io::Error),
}

impl From<ProtocolError> for LspError {
    fn from(error: ProtocolError) -> LspError {
        if error.channel_is_disconnected() {
            LspError::Disconnected
        } else {
            LspError::Protocol(error)
        }
    }
}

/// Serves one editor over standard input and output until it exits.
/// `Ok(true)` when the editor shut the server down properly before
/// `exit`, as the protocol asks.
pub fn run_stdio() -> Result<bool, LspError> {
    let (connection, threads) = Connection::stdio();
    let result = server::serve(&connection);
    // The writer thread ends only when every sender is gone.
    drop(connection);
    let joined = threads.join();
    let clean = result?;
    joined?;
    Ok(clean)
}
