//! Man pages: clap_mangen renders the title, NAME and OPTIONS from a tool's clap command (so
//! every option of the parser's table appears with its argument form, `--net[=<file>]`); the
//! other sections come from the tool's `ToolDoc` prose.

use clap_mangen::roff::{bold, italic, roman, Inline, Roff};
use nscore::cli::ToolDoc;

/// Manual names by section, as man-pages(7) calls them.
fn manual(section: &str) -> &'static str {
    match section {
        "8" => "System Administration",
        _ => "User Commands",
    }
}

/// The man page of `cmd`, with `doc`'s prose when the tool has some.
pub fn render(cmd: &clap::Command, doc: Option<&ToolDoc>) -> Vec<u8> {
    let section = doc.map_or("1", |d| d.section);
    let cmd = with_option_help(cmd, doc);
    let man = clap_mangen::Man::new(cmd.clone())
        .title(cmd.get_name().to_uppercase())
        .section(section)
        .source(format!("rns {}", env!("CARGO_PKG_VERSION")))
        .date(DATE)
        .manual(manual(section));
    let mut out = Vec::new();
    man.render_title(&mut out).expect("writing to a Vec");
    man.render_name_section(&mut out).expect("writing to a Vec");
    synopsis_and_description(&cmd, doc).to_writer(&mut out).expect("writing to a Vec");
    man.render_options_section(&mut out).expect("writing to a Vec");
    if let Some(doc) = doc {
        prose_sections(doc).to_writer(&mut out).expect("writing to a Vec");
    }
    tidy(out)
}

/// `cmd`, built, with each option's help as the OPTIONS section shows it and without
/// clap_mangen's list of possible values.
fn with_option_help(cmd: &clap::Command, doc: Option<&ToolDoc>) -> clap::Command {
    let mut cmd = cmd.clone();
    let ids: Vec<clap::Id> = cmd.get_arguments().map(|a| a.get_id().clone()).collect();
    for id in ids {
        let arg = cmd.get_arguments().find(|a| *a.get_id() == id).expect("listed above");
        let text = option_help(arg, doc);
        cmd = cmd.mut_arg(id, |a| a.long_help(text));
    }
    // The values are in the help text and the OUTPUT COLUMNS section; clap_mangen's own list
    // of them is a second, longer copy (and trips mandoc's lint).
    let ids: Vec<clap::Id> =
        cmd.get_arguments().filter(|a| !a.get_possible_values().is_empty()).map(|a| a.get_id().clone()).collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| a.hide_possible_values(true));
    }
    cmd.build();
    cmd
}

/// util-linux's one-line help as a sentence, then the ToolDoc's detail for the option.
fn option_help(arg: &clap::Arg, doc: Option<&ToolDoc>) -> String {
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let mut text = capitalize(&help);
    if !text.is_empty() && !text.ends_with('.') {
        text.push('.');
    }
    let detail = arg
        .get_long()
        .zip(doc)
        .and_then(|(long, doc)| doc.option_details.iter().find(|(l, _)| *l == long).map(|(_, detail)| plain(detail)));
    if let Some(detail) = detail {
        text = format!("{text}\n{detail}");
    }
    text
}

/// SYNOPSIS, and DESCRIPTION from the ToolDoc or else the command's about line.
fn synopsis_and_description(cmd: &clap::Command, doc: Option<&ToolDoc>) -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["SYNOPSIS"]);
    roff.text(synopsis(cmd));
    roff.control("SH", ["DESCRIPTION"]);
    match doc {
        Some(doc) => paragraphs(&mut roff, doc.description),
        None => {
            roff.text([roman(cmd.get_about().map(|a| a.to_string()).unwrap_or_default())]);
        }
    }
    roff
}

/// The sections after OPTIONS, all from the ToolDoc.
fn prose_sections(doc: &ToolDoc) -> Roff {
    let mut roff = Roff::new();
    if !doc.columns.is_empty() {
        roff.control("SH", ["OUTPUT COLUMNS"]);
        roff.text([roman("The columns that "), bold("--output"), roman(" accepts (names are case-insensitive):")]);
        for (name, help) in doc.columns {
            roff.control("TP", []);
            roff.text([bold(*name)]);
            roff.text([roman(*help)]);
        }
    }
    roff.control("SH", ["EXIT STATUS"]);
    paragraphs(&mut roff, doc.exit_status);
    roff.control("SH", ["NOTES"]);
    for (title, text) in doc.notes {
        roff.control("SS", [*title]);
        roff.text(inline(text));
    }
    roff.control("SH", ["EXAMPLES"]);
    // The command on lines of its own, as typed (no filling, so a long command is neither
    // run on into its description, as a .TP tag would be, nor broken or hyphenated at the
    // margin; an example of several commands has one per line), its description indented
    // below it.
    for (i, (command, what)) in doc.examples.iter().enumerate() {
        // (a paragraph macro right after .SH is one too many for mandoc)
        if i > 0 {
            roff.control("PP", []);
        }
        roff.control("nf", []);
        for line in command.lines() {
            roff.text([bold(line)]);
        }
        roff.control("fi", []);
        roff.control("RS", []);
        roff.text(inline(what));
        roff.control("RE", []);
    }
    roff.control("SH", ["DIFFERENCES FROM UTIL-LINUX"]);
    paragraphs(&mut roff, doc.differences);
    roff.control("SH", ["SEE ALSO"]);
    roff.text(see_also(doc.see_also));
    roff
}

/// `name(8),` per reference, a line each, in bold with a roman section.
fn see_also(references: &[&str]) -> Vec<Inline> {
    let mut refs = Vec::new();
    for (i, reference) in references.iter().enumerate() {
        let (name, sect) = reference.split_once('(').unwrap_or((reference, ""));
        refs.push(bold(name));
        let tail = if i + 1 < references.len() { "," } else { "" };
        refs.push(roman(format!("({sect}{tail}")));
        if i + 1 < references.len() {
            refs.push(roman("\n"));
        }
    }
    refs
}

/// clap_mangen repeats its apostrophe preamble before each section it renders: keep the
/// first. And text lines are wrapped at 80 bytes, as man-pages(7) asks of the source.
fn tidy(page: Vec<u8>) -> Vec<u8> {
    let page = String::from_utf8(page).expect("roff from UTF-8 text");
    let preamble = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let mut out = String::with_capacity(page.len());
    let mut seen_preamble = false;
    let mut rest = page.as_str();
    while let Some(at) = rest.find(preamble) {
        out.push_str(&rest[..at]);
        if !seen_preamble {
            out.push_str(preamble);
            seen_preamble = true;
        }
        rest = &rest[at + preamble.len()..];
    }
    out.push_str(rest);
    let mut wrapped = String::with_capacity(out.len());
    for line in out.lines() {
        if line.starts_with('.') || line.len() <= 80 {
            wrapped.push_str(line);
            wrapped.push('\n');
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.len() + 1 + word.len() > 80 {
                wrapped.push_str(&current);
                wrapped.push('\n');
                current.clear();
            }
            if current.is_empty() {
                // a text line starting with . or ' would be a request
                if word.starts_with('.') || word.starts_with('\'') {
                    current.push_str("\\&");
                }
            } else {
                current.push(' ');
            }
            current.push_str(word);
        }
        wrapped.push_str(&current);
        wrapped.push('\n');
    }
    wrapped.into_bytes()
}

/// The date in the title line: fixed, so that regenerating is reproducible; bump it with the
/// version when the pages change meaningfully.
const DATE: &str = "2026-11-23";

/// `name [options] [<operand>]`, or `[<program> [<argument>...]]` for a trailing command.
fn synopsis(cmd: &clap::Command) -> Vec<Inline> {
    let mut line = vec![bold(cmd.get_name().to_string()), roman(" ["), italic("options"), roman("]")];
    for pos in cmd.get_positionals() {
        let name = pos.get_id().as_str().to_string();
        if pos.is_trailing_var_arg_set() {
            line.extend([roman(" ["), italic(name), roman(" ["), italic("argument"), roman("...]]")]);
        } else {
            line.extend([roman(" ["), italic(name), roman("]")]);
        }
    }
    line
}

fn paragraphs(roff: &mut Roff, texts: &[&str]) {
    for (i, text) in texts.iter().enumerate() {
        if i > 0 {
            roff.control("PP", []);
        }
        roff.text(inline(text));
    }
}

/// ToolDoc's markup: `*bold*`, `_italic_` (an underscore opens italics only at the start of a
/// word, so `pid_for_children` stays as it is), everything else roman.
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        let closing = |mark: char| {
            (i + 1..chars.len())
                .find(|&j| chars[j] == mark && (j + 1 == chars.len() || !chars[j + 1].is_alphanumeric()))
        };
        if (c == '*' || (c == '_' && word_start)) && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            if let Some(end) = closing(c) {
                if !current.is_empty() {
                    out.push(roman(std::mem::take(&mut current)));
                }
                let inner: String = chars[i + 1..end].iter().collect();
                out.push(if c == '*' { bold(inner) } else { italic(inner) });
                i = end + 1;
                continue;
            }
        }
        current.push(c);
        i += 1;
    }
    if !current.is_empty() {
        out.push(roman(current));
    }
    out
}

/// The text of `inline` without its markup (clap_mangen's option bodies are plain).
fn plain(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let word_start = i == 0 || !chars[i - 1].is_alphanumeric();
        let word_end = i + 1 == chars.len() || !chars[i + 1].is_alphanumeric();
        if c == '*' || (c == '_' && (word_start || word_end)) {
            continue;
        }
        out.push(c);
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup() {
        let text = |v: Vec<Inline>| {
            let mut roff = Roff::new();
            roff.text(v);
            roff.to_roff()
        };
        assert_eq!(
            text(inline("*rlsns -P* lists pid_for_children of /proc/_pid_/ns")),
            "\\fBrlsns \\-P\\fR lists pid_for_children of /proc/\\fIpid\\fR/ns\n"
        );
        assert_eq!(plain("*a* _b_ c_d"), "a b c_d");
    }

    #[test]
    fn long_lines_are_wrapped_without_making_requests() {
        let line = format!("{} .dot 'quote", "word ".repeat(15));
        let out = String::from_utf8(tidy(format!("{line}\n").into_bytes())).unwrap();
        assert!(out.lines().all(|l| l.len() <= 80), "{out}");
        assert!(out.lines().all(|l| !l.starts_with('.') && !l.starts_with('\'')), "{out}");
    }
}
