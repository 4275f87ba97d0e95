//! The Python literals a `.npy` header is written in (dicts, tuples, lists, strings,
//! integers, `True` / `False` / `None`), parsed by recursive descent with no backtracking:
//! every step consumes input or fails, so the time is linear in the text's length, and
//! containers nested deeper than [`MAX_DEPTH`] are refused before the recursion goes further.

/// The deepest nesting of containers a header may have. NumPy's own headers nest two deep
/// (the dict, the shape tuple); a structured `descr` a few more. Deeper input is refused.
pub const MAX_DEPTH: usize = 32;

/// A parsed Python literal, as far as a header needs one.
#[derive(Debug)]
pub(super) enum Lit {
    Str(String),
    /// An integer; `None` when it does not fit in a `u64` (or is negative).
    Int(Option<u64>),
    Bool(bool),
    NoneValue,
    Tuple(Vec<Lit>),
    /// A list; its items are parsed (to find where it ends) and dropped, since no header
    /// field NumPy reads as a list is one burn-nd supports (a structured `descr`).
    List,
    Dict(Vec<(Lit, Lit)>),
}

/// Counts of the work one parse did, for the tests that show it is linear and bounded.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Work {
    /// Calls of the value parser and loop iterations, together.
    pub steps: usize,
    /// The deepest container nesting reached.
    pub depth: usize,
}

struct Parser<'a> {
    text: &'a [char],
    pos: usize,
    depth: usize,
    work: Work,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text.get(self.pos).copied()
    }

    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} at character {} of the header", self.pos))
    }

    fn skip_space(&mut self) {
        while let Some(' ' | '\t' | '\n' | '\r' | '\x0c') = self.peek() {
            self.pos += 1;
        }
    }

    /// Consumes `c` (after any white space) or fails naming it.
    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_space();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(&format!("expected '{c}'"))
        }
    }

    fn value(&mut self) -> Result<Lit, String> {
        self.work.steps += 1;
        self.skip_space();
        match self.peek() {
            Some(open @ ('{' | '[' | '(')) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return self.fail(&format!("containers nested deeper than {MAX_DEPTH}"));
                }
                self.work.depth = self.work.depth.max(self.depth);
                self.pos += 1;
                let lit = self.container(open);
                self.depth -= 1;
                lit
            }
            Some(q @ ('\'' | '"')) => self.string(q).map(Lit::Str),
            Some('0'..='9' | '-' | '+') => self.int(),
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                let word: String = self.text[start..self.pos].iter().collect();
                match word.as_str() {
                    "True" => Ok(Lit::Bool(true)),
                    "False" => Ok(Lit::Bool(false)),
                    "None" => Ok(Lit::NoneValue),
                    _ => {
                        self.pos = start;
                        self.fail(&format!("unsupported name '{word}'"))
                    }
                }
            }
            Some(_) => self.fail("unexpected character"),
            None => self.fail("unexpected end"),
        }
    }

    /// The items of a container whose opening bracket was just consumed.
    fn container(&mut self, open: char) -> Result<Lit, String> {
        let close = match open {
            '{' => '}',
            '[' => ']',
            _ => ')',
        };
        let mut items = Vec::new();
        let mut pairs = Vec::new();
        let mut comma = false;
        loop {
            self.work.steps += 1;
            self.skip_space();
            if self.peek() == Some(close) {
                self.pos += 1;
                break;
            }
            let item = self.value()?;
            if open == '{' {
                self.expect(':')?;
                pairs.push((item, self.value()?));
            } else {
                items.push(item);
            }
            self.skip_space();
            match self.peek() {
                Some(',') => {
                    self.pos += 1;
                    comma = true;
                }
                Some(c) if c == close => {}
                None => return self.fail("unexpected end"),
                _ => return self.fail(&format!("expected ',' or '{close}'")),
            }
        }
        Ok(match open {
            '{' => Lit::Dict(pairs),
            '[' => Lit::List,
            // `(x)` is `x`; `()`, `(x,)` and `(x, y)` are tuples.
            _ if items.len() == 1 && !comma => items.pop().unwrap_or(Lit::NoneValue),
            _ => Lit::Tuple(items),
        })
    }

    fn string(&mut self, quote: char) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            self.work.steps += 1;
            match self.peek() {
                None | Some('\n') => return self.fail("unterminated string"),
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.pos += 1;
                    let escaped = match self.peek() {
                        Some(c @ ('\\' | '\'' | '"')) => c,
                        Some('n') => '\n',
                        Some('t') => '\t',
                        _ => return self.fail("unsupported escape in a string"),
                    };
                    out.push(escaped);
                    self.pos += 1;
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn int(&mut self) -> Result<Lit, String> {
        let negative = match self.peek() {
            Some(sign @ ('-' | '+')) => {
                self.pos += 1;
                sign == '-'
            }
            _ => false,
        };
        let start = self.pos;
        let mut value = Some(0u64);
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.work.steps += 1;
            value = value
                .and_then(|v| v.checked_mul(10))
                .and_then(|v| v.checked_add(u64::from(d)));
            self.pos += 1;
        }
        if self.pos == start {
            return self.fail("expected a digit");
        }
        if self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        {
            return self.fail("unsupported number (only decimal integers are)");
        }
        Ok(Lit::Int(value.filter(|&v| !negative || v == 0)))
    }
}

/// Parses `text` as one Python literal (and nothing after it), with the counts of the work it
/// took.
pub(super) fn parse_literal(text: &[char]) -> (Result<Lit, String>, Work) {
    let mut p = Parser {
        text,
        pos: 0,
        depth: 0,
        work: Work::default(),
    };
    let result = p.value().and_then(|lit| {
        p.skip_space();
        if p.pos != text.len() {
            return p.fail("unexpected text after the dict");
        }
        Ok(lit)
    });
    (result, p.work)
}
