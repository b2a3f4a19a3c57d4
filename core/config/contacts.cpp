// [contacts]: the field policy of profile sync and what a revoked grant's profile becomes.

#include <charconv>

#include "config/document.hpp"

namespace connhost::config::detail {
namespace {

const Names kContactsKeys = {"on_revoke", "refresh_after_hours", "fields"};
const Names kOnRevoke = {"freeze", "erase"};

bool valid_attribute(std::string_view s) {
  if (s.empty() || s.size() > 64 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::optional<FieldRule> parse_rule(std::string_view text) {
  if (text == "keep") return FieldRule{FieldRule::Action::keep, 0};
  if (text == "hash") return FieldRule{FieldRule::Action::hash, 0};
  constexpr std::string_view kTruncate = "truncate:";
  if (!text.starts_with(kTruncate)) return std::nullopt;
  std::string_view n = text.substr(kTruncate.size());
  int64_t v = 0;
  auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), v);
  if (n.empty() || ec != std::errc{} || p != n.data() + n.size() || v < 1 || v > 100000)
    return std::nullopt;
  return FieldRule{FieldRule::Action::truncate, v};
}

void read_fields(Document& doc, const toml::node& node, ContactsSettings& c) {
  const auto* t = node.as_table();
  if (!t) {
    doc.error(node.source(), "contacts.fields",
              "expected a table of attribute = \"keep\" | \"hash\" | \"truncate:N\", got " +
                  type_name(node));
    return;
  }
  c.fields.clear();  // written: exactly these, even when empty (keep nothing)
  for (const auto& [k, v] : *t) {
    std::string path = child("contacts.fields", k.str());
    if (!valid_attribute(k.str())) {
      doc.error(k.source(), path,
                "an attribute name has 1 to 64 characters from a-z, 0-9 and '_', and starts "
                "with a letter");
      continue;
    }
    auto s = doc.plain_string(v, path);
    if (!s) continue;
    if (auto rule = parse_rule(*s))
      c.fields.emplace(std::string(k.str()), *rule);
    else
      doc.error(
          v.source(), path,
          "expected \"keep\", \"hash\" or \"truncate:N\" (N from 1 to 100000), got \"" + *s + "\"");
  }
}

}  // namespace

void read_contacts(Document& doc, const toml::table* t, ContactsSettings& c) {
  c.fields.clear();
  for (auto name : kStandardContactFields) c.fields.emplace(std::string(name), FieldRule{});
  if (!t) return;
  doc.check_keys(*t, "contacts", kContactsKeys);
  if (const toml::node* n = t->get("on_revoke"))
    if (auto s = doc.choice(*n, "contacts.on_revoke", kOnRevoke, "on_revoke policy"))
      c.on_revoke =
          *s == "erase" ? ContactsSettings::OnRevoke::erase : ContactsSettings::OnRevoke::freeze;
  if (const toml::node* n = t->get("refresh_after_hours")) {
    if (!n->is_integer())
      doc.error(n->source(), "contacts.refresh_after_hours",
                "expected integer, got " + type_name(*n));
    else if (int64_t v = n->as_integer()->get(); v < 1 || v > 8760)
      doc.error(n->source(), "contacts.refresh_after_hours",
                "expected hours from 1 to 8760 (a year)");
    else
      c.refresh_after_hours = v;
  }
  if (const toml::node* n = t->get("fields")) read_fields(doc, *n, c);
}

}  // namespace connhost::config::detail
