#include "google/gaql.hpp"

#include <cctype>

namespace connhost::sandbox::goog {
namespace {

struct Token {
  enum Kind { end, word, string, number, symbol } kind = end;
  std::string text;  // words as written; strings unescaped
  size_t pos = 0;
};

struct Failure {
  GaqlError error;
};

[[noreturn]] void fail(std::string code, std::string message, std::string trigger = "") {
  throw Failure{{std::move(code), std::move(message), std::move(trigger)}};
}

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.pos = i;
    if (c == '\'' || c == '"') {
      t.kind = Token::string;
      size_t j = i + 1;
      bool closed = false;
      while (j < s.size()) {
        char d = s[j];
        if (d == c) {
          closed = true;
          ++j;
          break;
        }
        if (d == '\n' || d == '\r')
          fail("PROHIBITED_NEWLINE_IN_STRING", "A string literal must not contain a newline.");
        if (d == '\\') {
          if (j + 1 >= s.size()) break;
          char e = s[j + 1];
          // GAQL escapes the quotes and the backslash; anything else is an error.
          if (e != '\'' && e != '"' && e != '\\')
            fail("BAD_ESCAPE_SEQUENCE", "Invalid escape sequence in string literal.",
                 std::string(s.substr(j, 2)));
          t.text.push_back(e);
          j += 2;
          continue;
        }
        t.text.push_back(d);
        ++j;
      }
      if (!closed)
        fail("STRING_NOT_TERMINATED", "String literal is not terminated.",
             std::string(s.substr(i)));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '-' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      t.kind = Token::number;
      size_t j = i + 1;
      while (j < s.size() && word_char(s[j])) ++j;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      t.kind = Token::word;
      size_t j = i;
      while (j < s.size() && word_char(s[j])) ++j;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else if (c == ',' || c == '(' || c == ')' || c == '=') {
      t.kind = Token::symbol;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '!' || c == '<' || c == '>') {
      t.kind = Token::symbol;
      if (i + 1 < s.size() && s[i + 1] == '=') {
        t.text = std::string(s.substr(i, 2));
        i += 2;
      } else if (c == '!') {
        fail("BAD_SYMBOL", "Invalid symbol in the query: '!'.", "!");
      } else {
        t.text = std::string(1, c);
        ++i;
      }
    } else {
      fail("BAD_SYMBOL", "Invalid symbol in the query: '" + std::string(1, c) + "'.",
           std::string(1, c));
    }
    out.push_back(std::move(t));
  }
  Token e;
  e.pos = s.size();
  out.push_back(e);
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool is_reserved(const std::string& w) {
  static const char* kReserved[] = {"SELECT", "FROM",       "WHERE", "AND",  "ORDER", "BY",
                                    "LIMIT",  "PARAMETERS", "ASC",   "DESC", "OR"};
  std::string u = upper(w);
  for (const char* r : kReserved)
    if (u == r) return true;
  return false;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  GaqlQuery parse() {
    GaqlQuery q;
    if (peek().kind == Token::end) fail("UNEXPECTED_END_OF_QUERY", "The query is empty.");
    if (!keyword("SELECT"))
      fail("EXPECTED_SELECT", "Expected SELECT at the start of the query.", peek().text);
    q.select.push_back(field_name("SELECT"));
    while (symbol(",")) q.select.push_back(field_name("SELECT"));
    if (!keyword("FROM")) {
      if (peek().kind == Token::end) fail("EXPECTED_FROM", "Expected a FROM clause.");
      fail("UNEXPECTED_INPUT", "Unexpected input " + peek().text + ".", peek().text);
    }
    const Token& r = next();
    if (r.kind != Token::word || is_reserved(r.text))
      fail(r.kind == Token::end ? "UNEXPECTED_END_OF_QUERY" : "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE",
           "Expected a resource name in the FROM clause.", r.text);
    q.from = r.text;
    if (keyword("WHERE")) {
      q.where.push_back(condition());
      while (true) {
        if (keyword("AND")) {
          q.where.push_back(condition());
        } else if (peek_keyword("OR")) {
          fail("UNEXPECTED_INPUT", "Unexpected input OR: GAQL conditions are joined with AND only.",
               peek().text);
        } else {
          break;
        }
      }
    }
    if (keyword("ORDER")) {
      if (!keyword("BY")) fail("EXPECTED_BY", "Expected BY after ORDER.", peek().text);
      do {
        Ordering o;
        o.field = field_name("ORDER BY");
        if (keyword("DESC"))
          o.descending = true;
        else
          keyword("ASC");
        q.order_by.push_back(std::move(o));
      } while (symbol(","));
    }
    if (keyword("LIMIT")) {
      const Token& n = next();
      if (n.kind != Token::number) fail("BAD_LIMIT_VALUE", "Invalid LIMIT value.", n.text);
      int64_t v = 0;
      bool neg = !n.text.empty() && n.text[0] == '-';
      std::string_view digits(n.text);
      if (neg) digits.remove_prefix(1);
      if (digits.empty() || digits.size() > 18)
        fail("BAD_LIMIT_VALUE", "Invalid LIMIT value.", n.text);
      for (char c : digits) {
        if (c < '0' || c > '9') fail("BAD_LIMIT_VALUE", "Invalid LIMIT value.", n.text);
        v = v * 10 + (c - '0');
      }
      if (neg || v <= 0) fail("LIMIT_VALUE_TOO_LOW", "The LIMIT value must be at least 1.", n.text);
      q.limit = v;
    }
    if (keyword("PARAMETERS")) {
      do {
        const Token& name = next();
        if (name.kind != Token::word)
          fail("BAD_PARAMETER_NAME", "Invalid parameter name.", name.text);
        if (!symbol("="))
          fail("BAD_PARAMETER_VALUE", "Expected = after the parameter name.", peek().text);
        q.parameters.emplace_back(name.text, single_value());
      } while (symbol(","));
    }
    if (peek().kind != Token::end)
      fail("UNEXPECTED_INPUT", "Unexpected input " + peek().text + ".", peek().text);
    return q;
  }

 private:
  const Token& peek() const { return t_[i_]; }
  const Token& next() {
    const Token& t = t_[i_];
    if (t.kind != Token::end) ++i_;
    return t;
  }
  bool peek_keyword(const char* k) const {
    return peek().kind == Token::word && upper(peek().text) == k;
  }
  bool keyword(const char* k) {
    if (!peek_keyword(k)) return false;
    ++i_;
    return true;
  }
  bool symbol(const char* s) {
    if (peek().kind != Token::symbol || peek().text != s) return false;
    ++i_;
    return true;
  }

  std::string field_name(const char* clause) {
    const Token& f = next();
    if (f.kind == Token::end)
      fail("UNEXPECTED_END_OF_QUERY",
           std::string("Expected a field name in the ") + clause + " clause.");
    if (f.kind != Token::word || is_reserved(f.text))
      fail("BAD_FIELD_NAME", std::string("Expected a field name in the ") + clause + " clause.",
           f.text);
    if (f.text.front() == '.' || f.text.back() == '.' || f.text.find("..") != std::string::npos)
      fail("BAD_FIELD_NAME", "Invalid field name '" + f.text + "'.", f.text);
    return f.text;
  }

  Literal single_value() {
    const Token& v = next();
    switch (v.kind) {
      case Token::string:
        return {Literal::string, v.text};
      case Token::number:
        return {Literal::number, v.text};
      case Token::word:
        if (!is_reserved(v.text)) return {Literal::identifier, v.text};
        break;
      case Token::symbol:
        if (v.text == "(")
          fail("EXPECTED_SINGLE_VALUE", "Expected a single value, not a list.", v.text);
        break;
      case Token::end:
        fail("UNEXPECTED_END_OF_QUERY", "Expected a value.");
    }
    fail("BAD_VALUE", "Invalid value " + v.text + ".", v.text);
  }

  std::vector<Literal> list_value() {
    if (!symbol("("))
      fail("EXPECTED_LIST", "Expected a parenthesised list of values.", peek().text);
    std::vector<Literal> out;
    if (symbol(")"))
      fail("PROHIBITED_EMPTY_LIST_IN_CONDITION", "A list of values must not be empty.");
    do out.push_back(single_value());
    while (symbol(","));
    if (!symbol(")")) fail("UNEXPECTED_INPUT", "Expected ) to close the list.", peek().text);
    return out;
  }

  Condition condition() {
    Condition c;
    c.field = field_name("WHERE");
    const Token& t = peek();
    if (t.kind == Token::symbol && t.text != "," && t.text != "(" && t.text != ")") {
      c.op = next().text;
      c.values.push_back(single_value());
      return c;
    }
    if (t.kind != Token::word) {
      if (t.kind == Token::end) fail("UNEXPECTED_END_OF_QUERY", "Expected an operator.");
      fail("BAD_OPERATOR", "Invalid operator " + t.text + ".", t.text);
    }
    std::string w = upper(next().text);
    bool negated = false;
    if (w == "NOT") {
      negated = true;
      if (peek().kind != Token::word) fail("BAD_OPERATOR", "Invalid operator NOT.", "NOT");
      w = upper(next().text);
    }
    if (w == "IN" || w == "LIKE" || w == "REGEXP_MATCH") {
      c.op = negated ? "NOT " + w : w;
      if (w == "IN") {
        c.values = list_value();
        c.list = true;
      } else {
        c.values.push_back(single_value());
      }
      return c;
    }
    if (negated) fail("BAD_OPERATOR", "Invalid operator NOT " + w + ".", "NOT " + w);
    if (w == "CONTAINS") {
      if (peek().kind != Token::word)
        fail("BAD_OPERATOR", "Invalid operator CONTAINS.", "CONTAINS");
      std::string q = upper(next().text);
      if (q != "ANY" && q != "ALL" && q != "NONE")
        fail("BAD_OPERATOR", "Invalid operator CONTAINS " + q + ".", "CONTAINS " + q);
      c.op = "CONTAINS " + q;
      c.values = list_value();
      c.list = true;
      return c;
    }
    if (w == "IS") {
      bool is_not = keyword("NOT");
      if (!keyword("NULL")) fail("BAD_OPERATOR", "Expected NULL after IS.", peek().text);
      c.op = is_not ? "IS NOT NULL" : "IS NULL";
      return c;
    }
    if (w == "DURING") {
      c.op = w;
      const Token& v = next();
      if (v.kind != Token::word)
        fail("INVALID_VALUE_WITH_DURING_OPERATOR",
             "Invalid date literal supplied for DURING operator: " + v.text + ".", v.text);
      c.values.push_back({Literal::identifier, v.text});
      return c;
    }
    if (w == "BETWEEN") {
      c.op = w;
      if (peek().kind == Token::end || peek_keyword("AND"))
        fail("EXPECTED_VALUE_WITH_BETWEEN_OPERATOR", "Expected a value after BETWEEN.");
      c.values.push_back(single_value());
      if (!keyword("AND"))
        fail("EXPECTED_AND", "Expected AND between the BETWEEN values.", peek().text);
      if (peek().kind == Token::end)
        fail("EXPECTED_VALUE_WITH_BETWEEN_OPERATOR", "Expected a value after AND.");
      c.values.push_back(single_value());
      return c;
    }
    fail("BAD_OPERATOR", "Invalid operator " + w + ".", w);
  }

  std::vector<Token> t_;
  size_t i_ = 0;
};

}  // namespace

std::variant<GaqlQuery, GaqlError> parse_gaql(std::string_view text) {
  try {
    return Parser(lex(text)).parse();
  } catch (const Failure& f) {
    return f.error;
  }
}

}  // namespace connhost::sandbox::goog
