//! HCL expressions read as values: literals and `jsonencode(...)` objects as
//! JSON, JSON heredocs parsed, and references (`aws_iam_user.ci.name`) named
//! as the keys of the resources they point to.

use hcl::expr::{Expression, ObjectKey, TemplateExpr, TraversalOperator};
use serde_json::Value;

/// A literal string (a quoted string without interpolation).
pub fn literal(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => match t.as_ref() {
            TemplateExpr::QuotedString(s) if !s.contains("${") => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The text of a string or heredoc, interpolations left as written.
pub fn template_text(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.clone()),
        Expression::TemplateExpr(t) => Some(match t.as_ref() {
            TemplateExpr::QuotedString(s) => s.clone(),
            TemplateExpr::Heredoc(h) => h.template.clone(),
        }),
        _ => None,
    }
}

/// The key of the resource an expression refers to: `tf:DIR:TYPE.NAME`, or
/// `tf:DIR:data.TYPE.NAME` for data sources. Looks inside `"${...}"`
/// templates and the first argument of function calls.
pub fn reference(dir: &str, expr: &Expression) -> Option<String> {
    match expr {
        Expression::Traversal(traversal) => {
            let Expression::Variable(root) = &traversal.expr else {
                return None;
            };
            let attrs: Vec<&str> = traversal
                .operators
                .iter()
                .map_while(|op| match op {
                    TraversalOperator::GetAttr(name) => Some(name.as_str()),
                    _ => None,
                })
                .collect();
            let root = root.as_str();
            match (root, attrs.as_slice()) {
                ("data", [kind, name, ..]) => Some(format!("tf:{dir}:data.{kind}.{name}")),
                ("var" | "local" | "module" | "each" | "count" | "self" | "path", _) => None,
                (kind, [name, ..]) => Some(format!("tf:{dir}:{kind}.{name}")),
                _ => None,
            }
        }
        Expression::TemplateExpr(_) => {
            let text = template_text(expr)?;
            interpolations(&text)
                .into_iter()
                .find_map(|inner| reference(dir, &inner))
        }
        Expression::FuncCall(call) => call.args.iter().find_map(|arg| reference(dir, arg)),
        Expression::Parenthesis(inner) => reference(dir, inner),
        _ => None,
    }
}

/// The expressions interpolated in a template string (`${...}`), parsed.
pub fn interpolations(text: &str) -> Vec<Expression> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        if let Ok(expr) = after[..end].trim().parse::<Expression>() {
            out.push(expr);
        }
        rest = &after[end + 1..];
    }
    out
}

/// The expression as JSON: literals, arrays, objects; `jsonencode(x)` is
/// `x`; a string holding JSON (a heredoc policy) is parsed; anything else
/// is its HCL text.
pub fn to_json(expr: &Expression) -> Value {
    match expr {
        Expression::Null => Value::Null,
        Expression::Bool(b) => Value::Bool(*b),
        Expression::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Expression::String(_) | Expression::TemplateExpr(_) => {
            let text = template_text(expr).unwrap_or_default();
            let trimmed = text.trim();
            if trimmed.starts_with('{') {
                if let Ok(value) = serde_json::from_str::<Value>(trimmed) {
                    return value;
                }
            }
            Value::String(text)
        }
        Expression::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Expression::Object(object) => Value::Object(
            object
                .iter()
                .map(|(key, value)| {
                    let key = match key {
                        ObjectKey::Identifier(id) => id.as_str().to_string(),
                        ObjectKey::Expression(e) => literal(e).unwrap_or_else(|| e.to_string()),
                        other => other.to_string(),
                    };
                    (key, to_json(value))
                })
                .collect(),
        ),
        Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
            call.args.first().map_or(Value::Null, to_json)
        }
        Expression::Parenthesis(inner) => to_json(inner),
        other => Value::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_json() {
        let expr: Expression = "aws_iam_user.ci.name".parse().unwrap_or(Expression::Null);
        assert_eq!(
            reference("m", &expr).as_deref(),
            Some("tf:m:aws_iam_user.ci")
        );
        let expr: Expression = "data.aws_iam_policy_document.p.json"
            .parse()
            .unwrap_or(Expression::Null);
        assert_eq!(
            reference("m", &expr).as_deref(),
            Some("tf:m:data.aws_iam_policy_document.p")
        );
        let expr: Expression = "\"serviceAccount:${google_service_account.sa.email}\""
            .parse()
            .unwrap_or(Expression::Null);
        assert_eq!(
            reference("m", &expr).as_deref(),
            Some("tf:m:google_service_account.sa")
        );
        let expr: Expression = "jsonencode({ Statement = [{ Action = \"*\" }] })"
            .parse()
            .unwrap_or(Expression::Null);
        assert_eq!(to_json(&expr)["Statement"][0]["Action"], "*");
    }
}
