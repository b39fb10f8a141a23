//! The results of `redress test` for machines: JSON (serde's rendering of
//! [`TestRun`]) and JUnit XML, the format CI systems read to show each case
//! as a test.

use std::fmt::Write;

use serde::Serialize;

/// What became of one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TestResult {
    Pass,
    Fail,
    /// The case has no `expect:` block.
    Skip,
}

/// One case as a test: where it is, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestCase {
    /// The file, with `:LINE` when the file holds several cases.
    pub name: String,
    pub file: String,
    pub line: usize,
    /// The case id, when the case got far enough to say it.
    pub case: Option<String>,
    pub result: TestResult,
    /// Why it failed: mismatches and diagnostics, as text.
    pub messages: Vec<String>,
}

/// Every case tested, and the tallies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TestRun {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub cases: Vec<TestCase>,
}

impl TestRun {
    pub fn push(&mut self, case: TestCase) {
        match case.result {
            TestResult::Pass => self.passed += 1,
            TestResult::Fail => self.failed += 1,
            TestResult::Skip => self.skipped += 1,
        }
        self.cases.push(case);
    }
}

/// The run as JUnit XML: one `testsuite` per case file, one `testcase` per
/// case (its class the file, its name the case id or line), a `failure`
/// with the messages, or `skipped`.
pub fn junit(run: &TestRun) -> String {
    let mut out = String::new();
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<testsuites name="redress test" tests="{}" failures="{}" skipped="{}">"#,
        run.cases.len(),
        run.failed,
        run.skipped
    );
    let mut start = 0;
    while start < run.cases.len() {
        let file = &run.cases[start].file;
        let end = run.cases[start..]
            .iter()
            .position(|c| &c.file != file)
            .map_or(run.cases.len(), |n| start + n);
        let suite = &run.cases[start..end];
        let count = |r: TestResult| suite.iter().filter(|c| c.result == r).count();
        let _ = writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" skipped="{}">"#,
            xml(file),
            suite.len(),
            count(TestResult::Fail),
            count(TestResult::Skip)
        );
        for case in suite {
            let name = match &case.case {
                Some(id) => format!("{id} (line {})", case.line),
                None => format!("line {}", case.line),
            };
            let open = format!(
                r#"    <testcase classname="{}" name="{}" file="{}" line="{}""#,
                xml(file),
                xml(&name),
                xml(file),
                case.line
            );
            match case.result {
                TestResult::Pass => {
                    let _ = writeln!(out, "{open}/>");
                }
                TestResult::Skip => {
                    let _ = writeln!(out, "{open}>");
                    let _ = writeln!(out, r#"      <skipped message="no expect: block"/>"#);
                    let _ = writeln!(out, "    </testcase>");
                }
                TestResult::Fail => {
                    let text = case.messages.join("\n");
                    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                    let _ = writeln!(out, "{open}>");
                    let _ = writeln!(
                        out,
                        r#"      <failure message="{}">{}</failure>"#,
                        xml(first.trim()),
                        xml(&text)
                    );
                    let _ = writeln!(out, "    </testcase>");
                }
            }
        }
        let _ = writeln!(out, "  </testsuite>");
        start = end;
    }
    let _ = writeln!(out, "</testsuites>");
    out
}

/// Text as XML character data or an attribute value; characters XML 1.0
/// does not allow (terminal escapes) are left out.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_terminal_escapes_cannot_break_the_xml() {
        assert_eq!(
            xml("a<b>&\"c'\u{1b}[31m"),
            "a&lt;b&gt;&amp;&quot;c&apos;[31m"
        );
    }
}
