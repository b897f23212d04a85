//! The syntax of formulas: a tokenizer and a recursive-descent parser producing the expression
//! tree that `formula.rs` evaluates. Precedence from low to high: `+ -`, `* /`, unary minus, `^`
//! (right-associative), so `-x ^ 2` is `-(x ^ 2)` as in mathematics.

use super::formula::{Expr, FormulaError, Func, Op};

/// Deeper nesting than this is rejected: formulas come from uploaded files, and the recursive
/// descent must not be able to overflow the stack.
const MAX_DEPTH: usize = 64;

/// Parses a whole formula.
pub(super) fn parse(source: &str) -> Result<Expr, FormulaError> {
    let tokens = tokenize(source)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = parser.expr()?;
    match parser.peek() {
        (Token::End, _) => Ok(expr),
        (token, column) => Err(FormulaError {
            column,
            message: format!("expected an operator, found {}", token.describe()),
        }),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Ident(String),
    Op(char),
    Open,
    Close,
    Comma,
    End,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Number(n) => format!("number {n}"),
            Token::Ident(name) => format!("`{name}`"),
            Token::Op(c) => format!("`{c}`"),
            Token::Open => "`(`".into(),
            Token::Close => "`)`".into(),
            Token::Comma => "`,`".into(),
            Token::End => "the end".into(),
        }
    }
}

fn tokenize(source: &str) -> Result<Vec<(Token, usize)>, FormulaError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            // An exponent only when digits follow, so that `2e` stays a number and a name.
            if matches!(chars.get(i), Some('e' | 'E')) {
                let sign = usize::from(matches!(chars.get(i + 1), Some('+' | '-')));
                if chars.get(i + 1 + sign).is_some_and(char::is_ascii_digit) {
                    i += 1 + sign;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            let value = text.parse::<f64>().map_err(|_| FormulaError {
                column,
                message: format!("`{text}` is not a number"),
            })?;
            tokens.push((Token::Number(value), column));
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push((Token::Ident(chars[start..i].iter().collect()), column));
            continue;
        }
        let token = match c {
            '+' | '-' | '*' | '/' | '^' => Token::Op(c),
            '(' => Token::Open,
            ')' => Token::Close,
            ',' => Token::Comma,
            _ => {
                return Err(FormulaError {
                    column,
                    message: format!("unexpected character `{c}`"),
                })
            }
        };
        tokens.push((token, column));
        i += 1;
    }
    tokens.push((Token::End, chars.len() + 1));
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> (Token, usize) {
        // tokenize always ends with End, and the parser never moves past it.
        self.tokens
            .get(self.pos)
            .cloned()
            .unwrap_or((Token::End, self.tokens.last().map_or(1, |t| t.1)))
    }

    fn next(&mut self) -> (Token, usize) {
        let token = self.peek();
        if token.0 != Token::End {
            self.pos += 1;
        }
        token
    }

    fn binary(
        &mut self,
        ops: [char; 2],
        operand: fn(&mut Self) -> Result<Expr, FormulaError>,
    ) -> Result<Expr, FormulaError> {
        let mut left = operand(self)?;
        while let (Token::Op(c), _) = self.peek() {
            if !ops.contains(&c) {
                break;
            }
            self.next();
            let right = operand(self)?;
            left = Expr::Binary(op_of(c), Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn expr(&mut self) -> Result<Expr, FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FormulaError {
                column: self.peek().1,
                message: format!("nests deeper than {MAX_DEPTH} levels"),
            });
        }
        let result = self.binary(['+', '-'], |p| p.binary(['*', '/'], Self::unary));
        self.depth -= 1;
        result
    }

    /// `-x ^ 2` is `-(x ^ 2)`, as in mathematics; the exponent may itself be negative (`2 ^ -1`).
    fn unary(&mut self) -> Result<Expr, FormulaError> {
        match self.peek() {
            (Token::Op('-'), _) => {
                self.next();
                self.guarded(|p| Ok(Expr::Neg(Box::new(p.unary()?))))
            }
            (Token::Op('+'), _) => {
                self.next();
                self.guarded(Self::unary)
            }
            _ => {
                let base = self.primary()?;
                if let (Token::Op('^'), _) = self.peek() {
                    self.next();
                    let exponent = self.guarded(Self::unary)?;
                    return Ok(Expr::Binary(Op::Pow, Box::new(base), Box::new(exponent)));
                }
                Ok(base)
            }
        }
    }

    /// Runs `f` one nesting level deeper, so chains like `- - - x` or `2^2^2^...` are bounded too.
    fn guarded(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Expr, FormulaError>,
    ) -> Result<Expr, FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FormulaError {
                column: self.peek().1,
                message: format!("nests deeper than {MAX_DEPTH} levels"),
            });
        }
        let result = f(self);
        self.depth -= 1;
        result
    }

    fn primary(&mut self) -> Result<Expr, FormulaError> {
        match self.next() {
            (Token::Number(n), _) => Ok(Expr::Number(n)),
            (Token::Open, column) => {
                let inner = self.expr()?;
                self.expect_close(column)?;
                Ok(inner)
            }
            (Token::Ident(name), column) => {
                if self.peek().0 != Token::Open {
                    return Ok(Expr::Variable(name));
                }
                let func = Func::from_name(&name).ok_or_else(|| FormulaError {
                    column,
                    message: format!("unknown function `{name}` (use round, min, max or abs)"),
                })?;
                self.next();
                let mut args = Vec::new();
                if self.peek().0 != Token::Close {
                    args.push(self.expr()?);
                    while self.peek().0 == Token::Comma {
                        self.next();
                        args.push(self.expr()?);
                    }
                }
                self.expect_close(column)?;
                if args.len() != func.arity() {
                    return Err(FormulaError {
                        column,
                        message: format!(
                            "`{name}` takes {} argument{}, found {}",
                            func.arity(),
                            if func.arity() == 1 { "" } else { "s" },
                            args.len()
                        ),
                    });
                }
                Ok(Expr::Call(func, args))
            }
            (token, column) => Err(FormulaError {
                column,
                message: format!(
                    "expected a number, a variable, a function or `(`, found {}",
                    token.describe()
                ),
            }),
        }
    }

    fn expect_close(&mut self, open_column: usize) -> Result<(), FormulaError> {
        match self.next() {
            (Token::Close, _) => Ok(()),
            (Token::End, _) => Err(FormulaError {
                column: open_column,
                message: "`(` is never closed".into(),
            }),
            (token, column) => Err(FormulaError {
                column,
                message: format!("expected `)`, found {}", token.describe()),
            }),
        }
    }
}

fn op_of(c: char) -> Op {
    match c {
        '+' => Op::Add,
        '-' => Op::Sub,
        '*' => Op::Mul,
        '/' => Op::Div,
        _ => Op::Pow,
    }
}
