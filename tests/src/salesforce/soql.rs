//! The SOQL subset the fake understands, parsed and evaluated over the in-memory records:
//!
//! ```text
//! SELECT f1, f2, Owner.Name FROM <sObject>
//!   [WHERE <cond>] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]
//! cond := cmp | NOT cond | ( cond ) | cond AND cond ... | cond OR cond ...
//! cmp  := field (= | != | <> | < | <= | > | >=) literal
//! ```
//!
//! Like Salesforce: keywords, field and object names are case-insensitive; mixing AND and OR
//! without parentheses is malformed; datetime literals are unquoted (`2026-11-20T10:00:00Z`,
//! `...00.000Z`, `...00+01:00`; not `+0000`), dates are `YYYY-MM-DD`, strings single-quoted;
//! a literal of the wrong type for its field is INVALID_FIELD; a bad id literal is
//! INVALID_QUERY_FILTER_OPERATOR; selecting a field twice is MALFORMED_QUERY. Relationship
//! paths: `Owner.<User field>` and `Account.<Account field>`.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::{id18, parse_sf_time, FType, Rec, SObj, State};

#[derive(Debug)]
pub(crate) struct SoqlError {
    pub code: &'static str,
    pub message: String,
}

#[derive(Clone, Debug)]
pub(crate) enum Field {
    Plain(String, FType),
    /// `rel.field` through the id field `via` to a record of `target`.
    Rel {
        rel: &'static str,
        via: &'static str,
        target: SObj,
        field: String,
        ty: FType,
    },
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug)]
enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Date(String),
    DateTime(i64),
}

#[derive(Debug)]
enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Cmp(Field, Op, V),
}

#[derive(Debug)]
struct Order {
    field: Field,
    asc: bool,
    nulls_last: bool,
}

#[derive(Debug)]
pub(crate) struct Query {
    pub sobject: SObj,
    select: Vec<Field>,
    cond: Option<Cond>,
    order: Vec<Order>,
    limit: Option<usize>,
}

/// A comparable value.
#[derive(Clone, Debug, PartialEq)]
enum V {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Time(i64),
}

fn cmp_v(a: &V, b: &V) -> Option<Ordering> {
    match (a, b) {
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        (V::Num(x), V::Num(y)) => x.partial_cmp(y),
        (V::Str(x), V::Str(y)) => Some(x.cmp(y)),
        (V::Time(x), V::Time(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Op(Op),
    LParen,
    RParen,
    Comma,
    End,
}

impl Tok {
    fn show(&self) -> String {
        match self {
            Tok::Word(w) => w.clone(),
            Tok::Str(s) => format!("'{s}'"),
            Tok::Op(op) => match op {
                Op::Eq => "=",
                Op::Ne => "!=",
                Op::Lt => "<",
                Op::Le => "<=",
                Op::Gt => ">",
                Op::Ge => ">=",
            }
            .into(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::Comma => ",".into(),
            Tok::End => "<EOF>".into(),
        }
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '+')
}

fn lex(q: &str) -> Result<Vec<(Tok, usize)>, (usize, String)> {
    let mut out = Vec::new();
    let mut it = q.char_indices().peekable();
    while let Some((pos, c)) = it.next() {
        let tok = match c {
            c if c.is_whitespace() => continue,
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '=' => Tok::Op(Op::Eq),
            '!' if it.next_if(|(_, c)| *c == '=').is_some() => Tok::Op(Op::Ne),
            '<' if it.next_if(|(_, c)| *c == '=').is_some() => Tok::Op(Op::Le),
            '<' if it.next_if(|(_, c)| *c == '>').is_some() => Tok::Op(Op::Ne),
            '<' => Tok::Op(Op::Lt),
            '>' if it.next_if(|(_, c)| *c == '=').is_some() => Tok::Op(Op::Ge),
            '>' => Tok::Op(Op::Gt),
            '\'' => {
                let mut s = String::new();
                loop {
                    match it.next() {
                        None => return Err((pos, "unterminated string literal".into())),
                        Some((_, '\'')) => break,
                        Some((_, '\\')) => match it.next() {
                            Some((_, 'n')) => s.push('\n'),
                            Some((_, 't')) => s.push('\t'),
                            Some((_, c)) => s.push(c),
                            None => return Err((pos, "unterminated string literal".into())),
                        },
                        Some((_, c)) => s.push(c),
                    }
                }
                Tok::Str(s)
            }
            c if is_word(c) => {
                let mut w = String::from(c);
                while let Some((_, c)) = it.next_if(|(_, c)| is_word(*c)) {
                    w.push(c);
                }
                Tok::Word(w)
            }
            c => return Err((pos, format!("unexpected token: '{c}'"))),
        };
        out.push((tok, pos));
    }
    out.push((Tok::End, q.len()));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser<'a> {
    q: &'a str,
    toks: Vec<(Tok, usize)>,
    i: usize,
    st: &'a State,
}

fn error_at(q: &str, pos: usize, code: &'static str, msg: &str) -> SoqlError {
    let col = q[..pos.min(q.len())].chars().count();
    SoqlError {
        code,
        message: format!(
            "\n{q}\n{}^\nERROR at Row:1:Column:{}\n{msg}",
            " ".repeat(col),
            col + 1
        ),
    }
}

/// Parses `q` against the schema of `st`.
pub(crate) fn parse(q: &str, st: &State) -> Result<Query, SoqlError> {
    let toks = lex(q).map_err(|(pos, m)| error_at(q, pos, "MALFORMED_QUERY", &m))?;
    Parser { q, toks, i: 0, st }.query()
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.i].0
    }

    fn pos(&self) -> usize {
        self.toks[self.i].1
    }

    fn next(&mut self) -> (Tok, usize) {
        let t = self.toks[self.i].clone();
        if self.i + 1 < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn err(&self, pos: usize, code: &'static str, msg: &str) -> SoqlError {
        error_at(self.q, pos, code, msg)
    }

    fn unexpected(&self) -> SoqlError {
        let msg = format!("unexpected token: '{}'", self.peek().show());
        self.err(self.pos(), "MALFORMED_QUERY", &msg)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let yes = self.is_kw(kw);
        if yes {
            self.next();
        }
        yes
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), SoqlError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn word(&mut self) -> Result<(String, usize), SoqlError> {
        match self.peek().clone() {
            Tok::Word(w) => {
                let pos = self.next().1;
                Ok((w, pos))
            }
            _ => Err(self.unexpected()),
        }
    }

    fn query(mut self) -> Result<Query, SoqlError> {
        self.expect_kw("SELECT")?;
        let mut names = Vec::new();
        loop {
            names.push(self.word()?);
            if *self.peek() != Tok::Comma {
                break;
            }
            self.next();
        }
        self.expect_kw("FROM")?;
        let (obj, obj_pos) = self.word()?;
        let sobject = SObj::parse(&obj).ok_or_else(|| {
            self.err(
                obj_pos,
                "INVALID_TYPE",
                &format!("sObject type '{obj}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."),
            )
        })?;
        let mut select = Vec::new();
        let mut seen = Vec::<String>::new();
        for (name, pos) in names {
            let f = self.field(sobject, &name, pos)?;
            let key = path(&f).to_ascii_lowercase();
            if seen.contains(&key) {
                return Err(self.err(
                    pos,
                    "MALFORMED_QUERY",
                    &format!("duplicate field selected: {}", path(&f)),
                ));
            }
            seen.push(key);
            select.push(f);
        }
        let cond = if self.eat_kw("WHERE") {
            Some(self.expr(sobject)?)
        } else {
            None
        };
        let mut order = Vec::new();
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            loop {
                let (name, pos) = self.word()?;
                let field = self.field(sobject, &name, pos)?;
                let asc = !self.eat_kw("DESC");
                if asc {
                    self.eat_kw("ASC");
                }
                let mut nulls_last = false;
                if self.eat_kw("NULLS") {
                    nulls_last = self.eat_kw("LAST");
                    if !nulls_last {
                        self.expect_kw("FIRST")?;
                    }
                }
                order.push(Order {
                    field,
                    asc,
                    nulls_last,
                });
                if *self.peek() != Tok::Comma {
                    break;
                }
                self.next();
            }
        }
        let mut limit = None;
        if self.eat_kw("LIMIT") {
            let (n, pos) = self.word()?;
            limit = Some(n.parse::<usize>().map_err(|_| {
                self.err(pos, "MALFORMED_QUERY", &format!("unexpected token: '{n}'"))
            })?);
        }
        if *self.peek() != Tok::End {
            return Err(self.unexpected());
        }
        Ok(Query {
            sobject,
            select,
            cond,
            order,
            limit,
        })
    }

    fn field(&self, o: SObj, name: &str, pos: usize) -> Result<Field, SoqlError> {
        let no_column = |o: SObj, f: &str| {
            self.err(
                pos,
                "INVALID_FIELD",
                &format!("No such column '{f}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", o.name()),
            )
        };
        let Some((rel, rest)) = name.split_once('.') else {
            let (f, ty) = self.st.field(o, name).ok_or_else(|| no_column(o, name))?;
            return Ok(Field::Plain(f, ty));
        };
        let link = [
            ("Owner", "OwnerId", SObj::User),
            ("Account", "AccountId", SObj::Account),
        ]
        .into_iter()
        .find(|(r, via, _)| r.eq_ignore_ascii_case(rel) && self.st.field(o, via).is_some());
        let (Some((rel, via, target)), false) = (link, rest.contains('.')) else {
            return Err(self.err(
                pos,
                "INVALID_FIELD",
                &format!("Didn't understand relationship '{rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."),
            ));
        };
        let (field, ty) = self
            .st
            .field(target, rest)
            .ok_or_else(|| no_column(target, rest))?;
        Ok(Field::Rel {
            rel,
            via,
            target,
            field,
            ty,
        })
    }

    /// Conditions joined by one kind of operator; AND and OR need parentheses to mix.
    fn expr(&mut self, o: SObj) -> Result<Cond, SoqlError> {
        let mut items = vec![self.unary(o)?];
        let mut is_and = None;
        loop {
            let this = if self.is_kw("AND") {
                true
            } else if self.is_kw("OR") {
                false
            } else {
                break;
            };
            if is_and.is_some_and(|k| k != this) {
                return Err(self.unexpected());
            }
            is_and = Some(this);
            self.next();
            items.push(self.unary(o)?);
        }
        Ok(match is_and {
            None => items.pop().expect("one condition"),
            Some(true) => Cond::All(items),
            Some(false) => Cond::Any(items),
        })
    }

    fn unary(&mut self, o: SObj) -> Result<Cond, SoqlError> {
        if self.eat_kw("NOT") {
            return Ok(Cond::Not(Box::new(self.unary(o)?)));
        }
        if *self.peek() == Tok::LParen {
            self.next();
            let c = self.expr(o)?;
            if *self.peek() != Tok::RParen {
                return Err(self.unexpected());
            }
            self.next();
            return Ok(c);
        }
        let (name, pos) = self.word()?;
        let field = self.field(o, &name, pos)?;
        let Tok::Op(op) = self.peek().clone() else {
            return Err(self.unexpected());
        };
        self.next();
        let (tok, lit_pos) = self.next();
        let lit = match tok {
            Tok::Str(s) => Lit::Str(s),
            Tok::Word(w) => literal(&w).ok_or_else(|| {
                self.err(
                    lit_pos,
                    "MALFORMED_QUERY",
                    &format!("unexpected token: '{w}'"),
                )
            })?,
            other => {
                return Err(self.err(
                    lit_pos,
                    "MALFORMED_QUERY",
                    &format!("unexpected token: '{}'", other.show()),
                ))
            }
        };
        let v = self.check(&field, op, lit, lit_pos)?;
        Ok(Cond::Cmp(field, op, v))
    }

    /// Checks a literal against the field's type and turns it into a comparable value.
    fn check(&self, field: &Field, op: Op, lit: Lit, pos: usize) -> Result<V, SoqlError> {
        let (name, ty) = match field {
            Field::Plain(f, ty) => (f.as_str(), *ty),
            Field::Rel { field, ty, .. } => (field.as_str(), *ty),
        };
        let wrong = |kind: &str, quoted: bool| {
            let q = if quoted { "should" } else { "should not" };
            self.err(
                pos,
                "INVALID_FIELD",
                &format!("value of filter criterion for field '{name}' must be of type {kind} and {q} be enclosed in quotes"),
            )
        };
        Ok(match (ty, lit) {
            (_, Lit::Null) if matches!(op, Op::Eq | Op::Ne) => V::Null,
            (_, Lit::Null) => {
                return Err(self.err(pos, "MALFORMED_QUERY", "invalid operator on null"))
            }
            (FType::DateTime, Lit::DateTime(t)) => V::Time(t),
            (FType::DateTime, _) => return Err(wrong("dateTime", false)),
            (FType::Date, Lit::Date(d)) => V::Str(d),
            (FType::Date, _) => return Err(wrong("date", false)),
            (FType::Bool, Lit::Bool(b)) => V::Bool(b),
            (FType::Bool, _) => return Err(wrong("boolean", false)),
            (FType::Num, Lit::Num(n)) => V::Num(n),
            (FType::Num, _) => return Err(wrong("double", false)),
            (FType::Id, Lit::Str(s)) => {
                let ok = (s.len() == 15 || s.len() == 18)
                    && s.bytes().all(|b| b.is_ascii_alphanumeric());
                if !ok {
                    return Err(self.err(
                        pos,
                        "INVALID_QUERY_FILTER_OPERATOR",
                        &format!("invalid ID field: {s}"),
                    ));
                }
                V::Str(if s.len() == 15 { id18(&s) } else { s })
            }
            (FType::Str, Lit::Str(s)) => V::Str(s),
            (FType::Id | FType::Str, _) => return Err(wrong("string", true)),
        })
    }
}

fn path(f: &Field) -> String {
    match f {
        Field::Plain(f, _) => f.clone(),
        Field::Rel { rel, field, .. } => format!("{rel}.{field}"),
    }
}

/// An unquoted literal: true/false/null, a datetime, a date or a number.
fn literal(w: &str) -> Option<Lit> {
    if w.eq_ignore_ascii_case("null") {
        return Some(Lit::Null);
    }
    if let Ok(b) = w.to_ascii_lowercase().parse::<bool>() {
        return Some(Lit::Bool(b));
    }
    if w.contains('T') && w.contains(':') {
        // RFC 3339 only: `Z` or `+hh:mm`, never Salesforce's JSON `+0000`.
        return chrono::DateTime::parse_from_rfc3339(w)
            .ok()
            .filter(|_| w.as_bytes().get(10) == Some(&b'T'))
            .map(|t| Lit::DateTime(t.timestamp_millis()));
    }
    if w.len() == 10 && chrono::NaiveDate::parse_from_str(w, "%Y-%m-%d").is_ok() {
        return Some(Lit::Date(w.to_string()));
    }
    w.parse::<f64>().ok().map(Lit::Num)
}

// ---------------------------------------------------------------------------------------------
// Evaluation

fn related<'a>(st: &'a State, rec: &Rec, via: &str, target: SObj) -> Option<&'a Rec> {
    let id = rec.fields.get(via)?.as_str()?;
    st.store(target).get(id)
}

fn value_v(rec: &Rec, name: &str, ty: FType) -> V {
    match name {
        "Id" => V::Str(rec.id.clone()),
        "IsDeleted" => V::Bool(rec.deleted),
        "CreatedDate" => V::Time(rec.created_ms),
        "SystemModstamp" | "LastModifiedDate" => V::Time(rec.modstamp_ms),
        _ => match rec.fields.get(name) {
            None | Some(Value::Null) => V::Null,
            Some(Value::Bool(b)) => V::Bool(*b),
            Some(Value::Number(n)) => V::Num(n.as_f64().unwrap_or(f64::NAN)),
            Some(Value::String(s)) if ty == FType::DateTime => {
                parse_sf_time(s).map_or(V::Null, V::Time)
            }
            Some(Value::String(s)) => V::Str(s.clone()),
            Some(other) => V::Str(other.to_string()),
        },
    }
}

fn field_v(st: &State, rec: &Rec, f: &Field) -> V {
    match f {
        Field::Plain(name, ty) => value_v(rec, name, *ty),
        Field::Rel {
            via,
            target,
            field,
            ty,
            ..
        } => related(st, rec, via, *target).map_or(V::Null, |r| value_v(r, field, *ty)),
    }
}

fn eval(st: &State, rec: &Rec, c: &Cond) -> bool {
    match c {
        Cond::All(cs) => cs.iter().all(|c| eval(st, rec, c)),
        Cond::Any(cs) => cs.iter().any(|c| eval(st, rec, c)),
        Cond::Not(c) => !eval(st, rec, c),
        Cond::Cmp(f, op, lit) => {
            let v = field_v(st, rec, f);
            if *lit == V::Null || v == V::Null {
                return match op {
                    Op::Eq => v == *lit,
                    Op::Ne => v != *lit,
                    _ => false,
                };
            }
            let Some(ord) = cmp_v(&v, lit) else {
                return *op == Op::Ne;
            };
            match op {
                Op::Eq => ord == Ordering::Equal,
                Op::Ne => ord != Ordering::Equal,
                Op::Lt => ord == Ordering::Less,
                Op::Le => ord != Ordering::Greater,
                Op::Gt => ord == Ordering::Greater,
                Op::Ge => ord != Ordering::Less,
            }
        }
    }
}

fn order_cmp(order: &[Order], a: &[V], b: &[V]) -> Ordering {
    for (o, (x, y)) in order.iter().zip(a.iter().zip(b)) {
        let ord = match (x == &V::Null, y == &V::Null) {
            (true, true) => Ordering::Equal,
            (true, false) if o.nulls_last => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, true) if o.nulls_last => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => {
                let ord = cmp_v(x, y).unwrap_or(Ordering::Equal);
                if o.asc {
                    ord
                } else {
                    ord.reverse()
                }
            }
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Runs the query: the matching records (deleted ones only when `all`), ordered (by Id when no
/// ORDER BY), limited, rendered as Salesforce does.
pub(crate) fn execute(q: &Query, st: &State, all: bool, version: &str) -> Vec<Value> {
    let mut rows: Vec<(Vec<V>, &Rec)> = st
        .store(q.sobject)
        .values()
        .filter(|r| all || !r.deleted)
        .filter(|r| q.cond.as_ref().is_none_or(|c| eval(st, r, c)))
        .map(|r| {
            (
                q.order.iter().map(|o| field_v(st, r, &o.field)).collect(),
                r,
            )
        })
        .collect();
    if !q.order.is_empty() {
        rows.sort_by(|a, b| order_cmp(&q.order, &a.0, &b.0));
    }
    rows.into_iter()
        .take(q.limit.unwrap_or(usize::MAX))
        .map(|(_, r)| render(st, q, r, version))
        .collect()
}

fn attributes(o: SObj, id: &str, version: &str) -> Value {
    json!({"type": o.name(), "url": format!("/services/data/{version}/sobjects/{}/{id}", o.name())})
}

fn render(st: &State, q: &Query, rec: &Rec, version: &str) -> Value {
    let mut m = Map::new();
    m.insert("attributes".into(), attributes(q.sobject, &rec.id, version));
    for f in &q.select {
        match f {
            Field::Plain(name, _) => {
                m.insert(name.clone(), rec.value(name));
            }
            Field::Rel {
                rel,
                via,
                target,
                field,
                ..
            } => {
                let Some(r) = related(st, rec, via, *target) else {
                    m.insert(rel.to_string(), Value::Null);
                    continue;
                };
                let entry = m
                    .entry(rel.to_string())
                    .or_insert_with(|| json!({"attributes": attributes(*target, &r.id, version)}));
                if let Value::Object(sub) = entry {
                    sub.insert(field.clone(), r.value(field));
                }
            }
        }
    }
    Value::Object(m)
}
