//! `redress lsp` as an editor speaks to it: one process, JSON-RPC over its
//! standard input and output, every answer awaited with a timeout so that
//! a server that stops answering fails the test rather than hanging it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

const URI: &str = "file:///work/complaints.proc";

/// Two errors: `manger` (line 5) is not a role, `closd` (line 7) is not a
/// step or outcome. Lines and columns below are counted from 0, as the
/// protocol counts them.
const TWO_ERRORS: &str = r#"procedure p "P" {
  role manager "Complaints manager" cite "2"
  start first

  step first "First" {
      lead manger
    deadline reply 20 working days, extendable by agreement met by done
    on done -> closd
  }

  outcome closed "Closed"
}
"#;

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_redress"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("redress lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its result, skipping notifications.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    /// The next notification of `method`.
    fn notification(&mut self, method: &str) -> Value {
        loop {
            let message = self.next();
            if message["method"] == method {
                return message["params"].clone();
            }
        }
    }

    /// How the process ended, waiting at most 5 seconds.
    fn exit_status(&mut self) -> std::process::ExitStatus {
        (0..200)
            .find_map(|_| {
                std::thread::sleep(Duration::from_millis(25));
                self.child.try_wait().ok().flatten()
            })
            .expect("the server exits after `exit`")
    }

    fn next(&mut self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(20))
            .expect("the server answers within 20 seconds")
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn at(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

/// The errors among published diagnostics, as (code, line, first column, help).
fn errors(published: &Value) -> Vec<(String, u64, u64, String)> {
    published["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .filter(|d| d["severity"] == 1)
        .map(|d| {
            let help = d["relatedInformation"]
                .as_array()
                .and_then(|r| {
                    r.iter()
                        .find_map(|i| i["message"].as_str()?.strip_prefix("help: "))
                })
                .unwrap_or_default()
                .to_string();
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap_or(99),
                d["range"]["start"]["character"].as_u64().unwrap_or(99),
                help,
            )
        })
        .collect()
}

#[test]
fn an_editor_session_from_initialize_to_exit() {
    let mut server = Server::start();

    let init = server.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    let caps = &init["capabilities"];
    for capability in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "completionProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[capability].is_null(), "{capability} missing: {caps}");
    }
    server.notify("initialized", json!({}));

    // Opening the file shows both errors, each with its help.
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "redress", "version": 1, "text": TWO_ERRORS}}),
    );
    let published = server.notification("textDocument/publishDiagnostics");
    assert_eq!(published["uri"], URI);
    assert_eq!(
        errors(&published),
        [
            ("E0202".into(), 5, 11, "did you mean `manager`?".into()),
            ("E0201".into(), 7, 15, "did you mean `closed`?".into()),
        ]
    );

    // The quick fix for `closd` replaces exactly that name.
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI},
               "range": {"start": {"line": 7, "character": 16}, "end": {"line": 7, "character": 16}},
               "context": {"diagnostics": []}}),
    );
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions}");
    assert_eq!(edit["newText"], "closed");
    assert_eq!(edit["range"]["start"], json!({"line": 7, "character": 15}));
    assert_eq!(edit["range"]["end"], json!({"line": 7, "character": 20}));

    // Fixing `manger` leaves the other error, in a new version.
    let fixed = TWO_ERRORS.replace("lead manger", "lead manager");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let published = server.notification("textDocument/publishDiagnostics");
    assert_eq!(published["version"], 2);
    assert_eq!(
        errors(&published),
        [("E0201".into(), 7, 15, "did you mean `closed`?".into())]
    );

    // Hover on a role's use: its declaration's description and citation.
    let hover = server.request("textDocument/hover", at(5, 14));
    assert_eq!(
        hover["contents"]["value"],
        "**role** `manager`\n\nComplaints manager\n\nCites \"2\".\n\nUsed once."
    );
    // Hover on a deadline's duration: its meaning in plain words.
    let hover = server.request("textDocument/hover", at(6, 20));
    assert_eq!(
        hover["contents"]["value"],
        "**deadline** `reply`\n\n20 working days from entry into step `first`, \
         extendable by agreement, without a limit; met by `done`."
    );

    // Definition of `manager` at its use is its declaration on line 1.
    let definition = server.request("textDocument/definition", at(5, 14));
    assert_eq!(definition["uri"], URI);
    assert_eq!(
        definition["range"],
        json!({"start": {"line": 1, "character": 7}, "end": {"line": 1, "character": 14}})
    );

    // References to `manager`: its declaration and its one use.
    let references = server.request(
        "textDocument/references",
        json!({"textDocument": {"uri": URI}, "position": {"line": 5, "character": 14},
               "context": {"includeDeclaration": true}}),
    );
    let lines: Vec<u64> = references
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|r| r["range"]["start"]["line"].as_u64())
        .collect();
    assert_eq!(lines, [1, 5]);

    // The outline: the procedure, then its declarations in order, the
    // step with its deadline and event.
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|s| s["name"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(names(&symbols), ["p"]);
    assert_eq!(
        names(&symbols[0]["children"]),
        ["manager", "first", "closed"]
    );
    assert_eq!(
        names(&symbols[0]["children"][1]["children"]),
        ["reply", "done"]
    );

    // Completion after `->` offers the steps and outcomes.
    let completion = server.request("textDocument/completion", at(7, 16));
    let labels: Vec<&str> = completion
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|c| c["label"].as_str())
        .collect();
    assert_eq!(labels, ["first", "closed"]);

    // Formatting puts `lead` back at two levels of indentation; nothing
    // else in the file is out of the layout.
    let edits = server.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": URI}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().map(Vec::len), Some(1), "{edits}");
    assert_eq!(
        edits[0]["newText"],
        fixed.replace("      lead manager", "    lead manager")
    );

    // Closing the file clears its diagnostics.
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let published = server.notification("textDocument/publishDiagnostics");
    assert_eq!(published["diagnostics"], json!([]));

    assert_eq!(server.request("shutdown", Value::Null), Value::Null);
    server.notify("exit", Value::Null);
    let status = server.exit_status();
    assert_eq!(
        status.code(),
        Some(0),
        "exit after shutdown is a clean exit"
    );
}

#[test]
fn exit_without_shutdown_is_exit_code_1_as_the_protocol_asks() {
    let mut server = Server::start();
    server.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    server.notify("initialized", json!({}));
    server.notify("exit", Value::Null);
    let status = server.exit_status();
    assert_eq!(status.code(), Some(1));
}
