// The category rules file: parsed with the main configuration's Document so both report mistakes
// the same way. Regexes are compiled here once to validate them, with the same flags
// core/categories uses, so a file that loads never fails later at match time.

#include "config/categories.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <regex>
#include <system_error>

#include "config/document.hpp"

namespace connhost::config {
namespace fs = std::filesystem;

namespace {

using detail::Document;
using detail::Names;

const Names kTopKeys = {"rule"};
const Names kRuleKeys = {"category", "match", "pattern", "platform", "campaign_type"};
const Names kMatchKinds = {"contains", "regex"};

// A rule is named in messages by its position and category, so the user can find it by either.
std::string rule_name(size_t i, const std::string& category) {
  std::string out = "rule " + std::to_string(i + 1);
  if (!category.empty()) out += " ('" + category + "')";
  return out;
}

std::optional<std::string> non_empty(Document& doc, const toml::table& t, std::string_view key,
                                     const std::string& path, bool required) {
  const toml::node* n = t.get(key);
  std::string kpath = detail::child(path, key);
  if (!n) {
    if (required) doc.error(t.source(), kpath, "missing required key '" + std::string(key) + "'");
    return std::nullopt;
  }
  auto s = doc.plain_string(*n, kpath);
  if (s && s->empty()) {
    doc.error(n->source(), kpath, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<CategoryRule> read_rule(Document& doc, const toml::node& node, size_t i) {
  std::string path = "rule[" + std::to_string(i) + "]";
  const toml::table* t = node.as_table();
  if (!t) {
    doc.error(node.source(), path, "expected a table ([[rule]]), got " + detail::type_name(node));
    return std::nullopt;
  }
  doc.check_keys(*t, path, kRuleKeys);
  CategoryRule r;
  r.pos = doc.pos(t->source());
  bool ok = true;
  if (auto s = non_empty(doc, *t, "category", path, true))
    r.category = *s;
  else
    ok = false;
  r.match = "contains";
  if (const toml::node* n = t->get("match")) {
    if (auto s = doc.choice(*n, path + ".match", kMatchKinds, "match kind"))
      r.match = *s;
    else
      ok = false;
  }
  if (auto s = non_empty(doc, *t, "pattern", path, true))
    r.pattern = *s;
  else
    ok = false;
  if (const toml::node* n = t->get("platform")) {
    if (auto s = doc.plain_string(*n, path + ".platform")) {
      if (detail::valid_name(*s)) {
        r.platform = *s;
      } else {
        doc.error(
            n->source(), path + ".platform",
            "invalid platform '" + *s + "': expected a platform id such as meta, google or tiktok");
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (t->get("campaign_type")) {
    if (auto s = non_empty(doc, *t, "campaign_type", path, false))
      r.campaign_type = *s;
    else
      ok = false;
  }
  if (ok && r.match == "regex") {
    try {
      std::regex re(r.pattern, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      doc.error(t->get("pattern")->source(), path + ".pattern",
                rule_name(i, r.category) + ": invalid regex '" + r.pattern + "': " + e.what());
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return r;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

CategoryRulesResult load_category_rules_string(std::string_view toml,
                                               const fs::path& pretend_file) {
  Document doc(pretend_file.string(), pretend_file.parent_path(), toml);
  CategoryRulesResult out;
  if (auto root = doc.parse()) {
    doc.check_keys(*root, "", kTopKeys);
    if (const toml::node* n = root->get("rule")) {
      if (const toml::array* arr = n->as_array()) {
        for (size_t i = 0; i < arr->size(); ++i)
          if (auto r = read_rule(doc, *arr->get(i), i)) out.rules.push_back(std::move(*r));
      } else {
        doc.error(n->source(), "rule",
                  "expected an array of tables ([[rule]]), got " + detail::type_name(*n));
      }
    }
  }
  out.errors = doc.take_errors();
  if (!out.errors.empty()) out.rules.clear();
  return out;
}

CategoryRulesResult load_category_rules(const fs::path& file) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
  int err = f ? 0 : errno;
  std::string text;
  if (f) {
    char buf[8192];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) text.append(buf, n);
    if (std::ferror(f.get())) err = errno ? errno : EIO;
  }
  if (err) {
    CategoryRulesResult out;
    out.errors.push_back({{file.string(), 0, 0},
                          "",
                          "cannot read categories file: " + std::generic_category().message(err)});
    return out;
  }
  return load_category_rules_string(text, file);
}

}  // namespace connhost::config
