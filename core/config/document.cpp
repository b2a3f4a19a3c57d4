#include "config/document.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <tuple>

#include "config/suggest.hpp"

namespace connhost::config::detail {

std::string join(const Names& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

bool contains(const Names& items, std::string_view s) {
  return std::find(items.begin(), items.end(), s) != items.end();
}

bool valid_name(std::string_view s) {
  if (s.empty() || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

std::string child(const std::string& path, std::string_view key) {
  bool bare = !key.empty();
  for (char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      bare = false;
  std::string k = bare ? std::string(key) : "\"" + std::string(key) + "\"";
  return path.empty() ? k : path + "." + k;
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

Document::Document(std::string label, std::filesystem::path dir, std::string_view text)
    : label_(std::move(label)), dir_(std::move(dir)), text_(text) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

std::optional<toml::table> Document::parse() {
#if TOML_EXCEPTIONS
  try {
    return toml::parse(text_, std::string_view(label_));
  } catch (const toml::parse_error& e) {
    error(e.source(), "", std::string(e.description()));
    return std::nullopt;
  }
#else
  auto parsed = toml::parse(text_, std::string_view(label_));
  if (!parsed) {
    error(parsed.error().source(), "", std::string(parsed.error().description()));
    return std::nullopt;
  }
  return std::move(parsed).table();
#endif
}

std::filesystem::path Document::resolve(std::string_view p) const {
  std::filesystem::path path(p);
  return (path.is_relative() ? dir_ / path : path).lexically_normal();
}

SourcePos Document::pos(const toml::source_region& r) const {
  return {label_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

void Document::error(const toml::source_region& r, std::string key_path, std::string message) {
  errors_.push_back({pos(r), std::move(key_path), std::move(message)});
}

std::vector<Diagnostic> Document::take_errors() {
  // Sections are read in a fixed order and tables iterate by key, not by position.
  std::stable_sort(errors_.begin(), errors_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  return std::move(errors_);
}

void Document::check_keys(const toml::table& tbl, const std::string& path, const Names& known) {
  for (auto&& [k, v] : tbl) {
    if (contains(known, k.str())) continue;
    error(k.source(), child(path, k.str()),
          "unknown key '" + std::string(k.str()) + "'" + did_you_mean(k.str(), known));
  }
}

const toml::table* Document::table_at(const toml::table& parent, std::string_view key,
                                      const std::string& parent_path) {
  const toml::node* n = parent.get(key);
  if (!n) return nullptr;
  if (const toml::table* t = n->as_table()) return t;
  error(n->source(), child(parent_path, key), "expected a table, got " + type_name(*n));
  return nullptr;
}

const toml::table* Document::named_table(const toml::key& k, const toml::node& v,
                                         const std::string& path, std::string_view kind) {
  if (!valid_name(k.str()))
    error(k.source(), path,
          "invalid " + std::string(kind) + " name '" + std::string(k.str()) +
              "': a name is a lowercase letter followed by lowercase letters, digits, '_' and '-'");
  const toml::table* t = v.as_table();
  if (!t)
    error(v.source(), path,
          "expected a table ([" + std::string(kind) + "s.NAME]), got " + type_name(v));
  return t;
}

bool Document::no_reference(const std::string& value, const toml::node& n,
                            const std::string& path) {
  if (!looks_like_secret_ref(value)) return true;
  if (auto why = secret_ref_error(value))
    error(n.source(), path, *why);
  else
    error(n.source(), path, "references are not allowed here");
  return false;
}

std::optional<std::string> Document::plain_string(const toml::node& n, const std::string& path) {
  const auto* s = n.as_string();
  if (!s) {
    error(n.source(), path, "expected string, got " + type_name(n));
    return std::nullopt;
  }
  if (!no_reference(s->get(), n, path)) return std::nullopt;
  return s->get();
}

std::optional<std::string> Document::choice(const toml::node& n, const std::string& path,
                                            const Names& choices, std::string_view what) {
  auto s = plain_string(n, path);
  if (!s) return std::nullopt;
  if (contains(choices, *s)) return s;
  error(n.source(), path,
        "unknown " + std::string(what) + " '" + *s + "' (expected " + join(choices, "|") + ")" +
            did_you_mean(*s, choices));
  return std::nullopt;
}

std::optional<SecretRef> Document::reference(const std::string& value, const toml::node& n,
                                             const std::string& path, bool allow_grant) {
  if (auto why = secret_ref_error(value)) {
    error(n.source(), path, *why);
    return std::nullopt;
  }
  auto ref = parse_secret_ref(value, dir_);
  if (!ref) return std::nullopt;
  if (ref->kind == SecretRef::Kind::grant && !allow_grant) {
    error(n.source(), path,
          "a grant reference names a token in the vault and is only allowed in a connection's "
          "secret settings");
    return std::nullopt;
  }
  if (auto why = check_secret(*ref)) {
    error(n.source(), path, *why);
    return std::nullopt;
  }
  return ref;
}

std::string_view Document::source_text(const toml::source_region& r) const {
  if (r.begin.line == 0 || r.begin.line != r.end.line || r.begin.line > line_starts_.size())
    return {};
  // Columns count code points, not bytes.
  auto advance = [&](size_t off, size_t columns) {
    for (; columns > 0 && off < text_.size(); --columns) {
      ++off;
      while (off < text_.size() && (static_cast<unsigned char>(text_[off]) & 0xC0) == 0x80) ++off;
    }
    return off;
  };
  size_t start = line_starts_[r.begin.line - 1];
  size_t b = advance(start, r.begin.column - 1);
  size_t e = advance(start, r.end.column - 1);
  return e > b ? text_.substr(b, e - b) : std::string_view{};
}

std::optional<std::string> Document::finite_double(const toml::node& n, const std::string& path) {
  double v = n.as_floating_point()->get();
  if (!std::isfinite(v)) {
    error(n.source(), path, "expected a finite number");
    return std::nullopt;
  }
  // As written ("0.50" stays "0.50") when that text reads back to the same number, so that what
  // the plugin gets matches the file; else the shortest text that does.
  std::string written;
  for (char c : source_text(n.source()))
    if (c != '_') written += c;
  if (written.starts_with('+')) written.erase(0, 1);
  double back = 0;
  auto [ptr, ec] = std::from_chars(written.data(), written.data() + written.size(), back);
  if (!written.empty() && ec == std::errc{} && ptr == written.data() + written.size() && back == v)
    return written;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::optional<std::string> Document::string_list(const toml::array& arr, const std::string& path) {
  bool ok = true;
  Names items;
  for (size_t i = 0; i < arr.size(); ++i) {
    const toml::node& item = *arr.get(i);
    std::string ipath = path + "[" + std::to_string(i) + "]";
    const auto* s = item.as_string();
    if (!s) {
      error(item.source(), ipath, "expected string, got " + type_name(item));
      ok = false;
    } else if (s->get().find('\n') != std::string::npos) {
      // The ABI joins list items with '\n'; one inside an item would split it in two.
      error(item.source(), ipath, "list items must not contain a newline");
      ok = false;
    } else if (!no_reference(s->get(), item, ipath)) {
      ok = false;
    } else {
      items.push_back(s->get());
    }
  }
  if (!ok) return std::nullopt;
  return join(items, "\n");
}

}  // namespace connhost::config::detail
