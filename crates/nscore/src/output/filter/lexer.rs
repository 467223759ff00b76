//! Tokens of the filter language, read one at a time as the parser asks for them (which
//! matters: text after the point where parsing stops is never looked at).
//!
//! Like util-linux's flex scanner, characters that start no token are copied to standard
//! output and skipped; the caller gets them as "echo" text to print.

/// A token and, for those that carry one, its value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    End,
    Number(u64),
    Float(f64),
    /// A quoted string, quotes still on.
    Str(String),
    Holder(String),
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Reg,
    NotReg,
    True,
    False,
    Neg,
    /// A number with a size suffix that does not fit; `message` is what the scanner reported.
    InvalidNumber(String),
    Open,
    Close,
    /// A lone `'`, which the grammar does not know.
    Invalid,
}

impl Token {
    /// The name bison's verbose errors use (after util-linux strips the first `T_`).
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Token::End => "end of file",
            Token::Number(_) => "NUMBER",
            Token::Float(_) => "FLOAT",
            Token::Str(_) => "STRING",
            Token::Holder(_) => "HOLDER",
            Token::Or => "OR",
            Token::And => "AND",
            Token::Eq => "EQ",
            Token::Ne => "NE",
            Token::Lt => "LT",
            Token::Le => "LE",
            Token::Gt => "GT",
            Token::Ge => "GE",
            Token::Reg => "REG",
            Token::NotReg => "NREG",
            Token::True => "TRUE",
            Token::False => "FALSE",
            Token::Neg => "NEG",
            Token::InvalidNumber(_) => "INVALID_NUMBER",
            Token::Open => "'('",
            Token::Close => "')'",
            Token::Invalid => "invalid token",
        }
    }
}

pub(super) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// Characters that matched no rule, in order.
    pub echo: String,
}

fn is_holder_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'%' | b':' | b'/' | b'-')
}

/// `strtosize()` of a digits+suffix token: base-0 digits (a leading 0 means octal), times
/// 1024 per suffix step; errno on failure.
fn scaled_number(digits: &str, suffix: u8) -> Result<u64, i32> {
    let (radix, body) = if digits.len() > 1 && digits.starts_with('0') { (8, &digits[1..]) } else { (10, digits) };
    let valid = body.bytes().take_while(|b| b.is_ascii_digit() && (radix == 10 || *b < b'8')).count();
    if valid < body.len() {
        // strtoumax stopped at a digit, and what follows is no size suffix.
        return Err(libc::EINVAL);
    }
    let mut x: u64 = 0;
    for b in body.bytes() {
        x = x.checked_mul(radix).and_then(|x| x.checked_add(u64::from(b - b'0'))).ok_or(libc::ERANGE)?;
    }
    let power = b"KMGTPEZY".iter().position(|&s| s == suffix).map_or(0, |p| p + 1);
    for _ in 0..power {
        x = x.checked_mul(1024).ok_or(libc::ERANGE)?;
    }
    Ok(x)
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Lexer<'a> {
        Lexer { src: src.as_bytes(), pos: 0, echo: String::new() }
    }

    fn peek(&self, off: usize) -> Option<u8> {
        self.src.get(self.pos + off).copied()
    }

    fn text(&self, from: usize) -> &'a str {
        std::str::from_utf8(&self.src[from..self.pos]).unwrap_or("")
    }

    /// Length of the run of ASCII digits at `at`.
    fn digits_at(&self, at: usize) -> usize {
        self.src[at.min(self.src.len())..].iter().take_while(|b| b.is_ascii_digit()).count()
    }

    pub(crate) fn next_token(&mut self) -> Token {
        loop {
            let Some(c) = self.peek(0) else { return Token::End };
            let start = self.pos;
            if matches!(c, b' ' | b'\t' | b'\n') {
                self.pos += 1;
                continue;
            }
            if let Some(token) = self.quoted_string(start, c) {
                return token;
            }
            if let Some(token) = self.operator(start) {
                return token;
            }
            if c.is_ascii_digit() {
                return self.number(start);
            }
            if c.is_ascii_alphabetic() {
                return self.word(start);
            }
            // No rule matches: flex's default action copies the character to stdout.
            let ch_len =
                std::str::from_utf8(&self.src[start..]).ok().and_then(|s| s.chars().next()).map_or(1, char::len_utf8);
            self.pos += ch_len;
            self.echo.push_str(self.text(start));
        }
    }

    /// A string in `c` quotes that closes before the end of its line.
    fn quoted_string(&mut self, start: usize, c: u8) -> Option<Token> {
        if c != b'"' && c != b'\'' {
            return None;
        }
        let len = self.src[start + 1..].iter().position(|&b| b == c || b == b'\n')?;
        if self.src[start + 1 + len] != c {
            return None;
        }
        self.pos = start + len + 2;
        Some(Token::Str(self.text(start).to_string()))
    }

    /// An operator or bracket. The longest match wins; on equal length the rule listed first
    /// (operators and keywords before holder names).
    fn operator(&mut self, start: usize) -> Option<Token> {
        let ops: &[(&str, Token)] = &[
            ("&&", Token::And),
            ("||", Token::Or),
            ("==", Token::Eq),
            ("!=", Token::Ne),
            ("<=", Token::Le),
            (">=", Token::Ge),
            ("=~", Token::Reg),
            ("!~", Token::NotReg),
            ("(", Token::Open),
            (")", Token::Close),
            ("'", Token::Invalid),
            ("!", Token::Neg),
            ("<", Token::Lt),
            (">", Token::Gt),
        ];
        let (op, token) = ops.iter().find(|(op, _)| self.src[start..].starts_with(op.as_bytes()))?;
        self.pos += op.len();
        Some(token.clone())
    }

    /// A float (`1.5`), a number with a size suffix (`5K`, `2KiB`), or a plain number.
    fn number(&mut self, start: usize) -> Token {
        let int = self.digits_at(start);
        let frac = if self.src.get(start + int) == Some(&b'.') { self.digits_at(start + int + 1) } else { 0 };
        if frac > 0 {
            self.pos = start + int + 1 + frac;
            return Token::Float(self.text(start).parse().unwrap_or(f64::INFINITY));
        }
        let digits = std::str::from_utf8(&self.src[start..start + int]).unwrap_or("0");
        if let Some(&suffix) = self.src.get(start + int).filter(|b| b"KMGTPEZY".contains(b)) {
            let iec = self.src[start + int + 1..].starts_with(b"iB");
            self.pos = start + int + 1 + if iec { 2 } else { 0 };
            return match scaled_number(digits, suffix) {
                Ok(n) => Token::Number(n),
                Err(errno) => Token::InvalidNumber(format!(
                    "\"{}\" token error: {}",
                    self.text(start),
                    crate::byte_text::carry_bytes(&crate::error::strerror(errno))
                )),
            };
        }
        self.pos = start + int;
        // strtoumax saturates.
        Token::Number(digits.parse().unwrap_or(u64::MAX))
    }

    /// A keyword (in lower or upper case) or a holder name.
    fn word(&mut self, start: usize) -> Token {
        let len = self.src[start..].iter().take_while(|&&b| is_holder_char(b)).count();
        self.pos = start + len;
        let word = self.text(start);
        match word {
            "and" | "AND" => Token::And,
            "or" | "OR" => Token::Or,
            "not" | "NOT" => Token::Neg,
            "eq" | "EQ" => Token::Eq,
            "ne" | "NE" => Token::Ne,
            "le" | "LE" => Token::Le,
            "lt" | "LT" => Token::Lt,
            "ge" | "GE" => Token::Ge,
            "gt" | "GT" => Token::Gt,
            "false" | "FALSE" => Token::False,
            "true" | "TRUE" => Token::True,
            _ => Token::Holder(word.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(src: &str) -> (Vec<Token>, String) {
        let mut lx = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lx.next_token();
            if t == Token::End {
                return (out, lx.echo);
            }
            out.push(t);
        }
    }

    #[test]
    fn longest_match_and_keywords() {
        use Token::*;
        assert_eq!(all("NS==1").0, vec![Holder("NS".into()), Eq, Number(1)]);
        assert_eq!(all("andy and AND And").0, vec![Holder("andy".into()), And, And, Holder("And".into())]);
        assert_eq!(all("NS-1 a.b%c").0, vec![Holder("NS-1".into()), Holder("a.b%c".into())]);
        assert_eq!(all("!~ ! != !x").0, vec![NotReg, Neg, Ne, Neg, Holder("x".into())]);
        assert_eq!(
            all("1.5 5K 2KiB 010K 010").0,
            vec![Float(1.5), Number(5120), Number(2048), Number(8192), Number(10)]
        );
        assert_eq!(all("'a b' \"c\"").0, vec![Str("'a b'".into()), Str("\"c\"".into())]);
    }

    #[test]
    fn unknown_characters_are_echoed() {
        let (tokens, echo) = all("NS = 5 @ \"a");
        assert_eq!(tokens, vec![Token::Holder("NS".into()), Token::Number(5), Token::Holder("a".into())]);
        assert_eq!(echo, "=@\"");
        assert_eq!(all("'a").0, vec![Token::Invalid, Token::Holder("a".into())]);
    }

    #[test]
    fn oversized_suffixed_numbers() {
        assert_eq!(all("1Z").0, vec![Token::InvalidNumber("\"1Z\" token error: Numerical result out of range".into())]);
        assert_eq!(
            all("16E").0,
            vec![Token::InvalidNumber("\"16E\" token error: Numerical result out of range".into())]
        );
        assert_eq!(all("15E").0, vec![Token::Number(15 << 60)]);
    }
}
