// [connections.*]: each connection's settings, checked against the config schema its plugin
// declares (ch_config_field), and put in the text encoding the ABI hands to the plugin.

#include <algorithm>
#include <tuple>

#include "config/document.hpp"
#include "config/suggest.hpp"

namespace connhost::config::detail {
namespace {

const Names kReservedKeys = {"plugin", "isolation", "platform", "login", "webhooks"};
const Names kLoginKeys = {"enabled"};
const Names kWebhookKeys = {"tolerance_seconds", "max_body_bytes"};
const Names kIsolations = {"in_process", "process"};

std::string_view view(ch_str s) {
  return s.data ? std::string_view(s.data, s.size) : "";
}

std::string expected_type(int32_t type) {
  switch (type) {
    case CH_CONFIG_STRING:
      return "string";
    case CH_CONFIG_INT:
      return "integer";
    case CH_CONFIG_DOUBLE:
      return "float (or integer)";
    case CH_CONFIG_BOOL:
      return "boolean";
    case CH_CONFIG_STRING_LIST:
      return "array of strings";
    default:
      return "type " + std::to_string(type);
  }
}

// The variable one would most likely export for this secret, shown so that the fix can be
// pasted.
std::string env_name_for(std::string_view connection, std::string_view key) {
  std::string out;
  for (char c : std::string(connection) + "_" + std::string(key))
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : (c == '-') ? '_' : c;
  return out;
}

bool valid_platform_name(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] < 'a' || s[0] > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

class ConnectionReader {
 public:
  ConnectionReader(Document& doc, const SchemaLookup& lookup) : doc_(doc), lookup_(lookup) {}

  std::optional<Connection> read(const toml::key& k, const toml::node& v, ConnectionInfo& info) {
    std::string path = child("connections", k.str());
    const toml::table* ct = doc_.named_table(k, v, path, "connection");
    if (!ct) return std::nullopt;
    Connection c;
    c.name = std::string(k.str());
    c.pos = doc_.pos(ct->source());
    c.isolation = "in_process";

    const toml::node* plugin = ct->get("plugin");
    if (!plugin)
      doc_.error(ct->source(), path + ".plugin", "missing required key 'plugin'");
    else if (auto s = doc_.plain_string(*plugin, path + ".plugin"))
      c.plugin = *s;
    if (const toml::node* n = ct->get("isolation"))
      if (auto s = doc_.choice(*n, path + ".isolation", kIsolations, "isolation")) c.isolation = *s;
    if (const toml::node* n = ct->get("platform"))
      if (auto s = doc_.plain_string(*n, path + ".platform")) {
        if (valid_platform_name(*s))
          c.platform = *s;
        else
          doc_.error(
              n->source(), path + ".platform",
              "expected a platform name like \"pinterest\" ([a-z][a-z0-9_-]*), got \"" + *s + "\"");
      }

    if (const toml::table* login = doc_.table_at(*ct, "login", path)) {
      doc_.check_keys(*login, path + ".login", kLoginKeys);
      if (const toml::node* n = login->get("enabled")) {
        if (const auto* b = n->as_boolean())
          c.login_enabled = b->get();
        else
          doc_.error(n->source(), path + ".login.enabled",
                     "expected boolean, got " + type_name(*n));
      }
    }

    if (const toml::table* hooks = doc_.table_at(*ct, "webhooks", path)) {
      doc_.check_keys(*hooks, path + ".webhooks", kWebhookKeys);
      int_in(*hooks, "tolerance_seconds", path + ".webhooks", 0, 86400,
             c.webhook_tolerance_seconds);
      int_in(*hooks, "max_body_bytes", path + ".webhooks", 1024, 64 * 1024 * 1024,
             c.webhook_max_body_bytes);
    }

    info.plugin = c.plugin;
    if (!lookup_) {
      unchecked_settings(*ct, path, c);
    } else if (!c.plugin.empty()) {
      info.schema = schema(c.plugin);
      // Without the plugin its settings cannot be judged; reporting each as unknown would bury
      // the one error that matters.
      if (!info.schema)
        doc_.error(plugin->source(), path + ".plugin", unknown_plugin(c.plugin));
      else
        settings(*ct, path, *info.schema, c);
    }
    return c;
  }

 private:
  Document& doc_;
  const SchemaLookup& lookup_;

  void int_in(const toml::table& t, std::string_view key, const std::string& path, int64_t lo,
              int64_t hi, int64_t& out) {
    const toml::node* n = t.get(key);
    if (!n) return;
    std::string kpath = child(path, key);
    if (!n->is_integer())
      doc_.error(n->source(), kpath, "expected integer, got " + type_name(*n));
    else if (int64_t v = n->as_integer()->get(); v < lo || v > hi)
      doc_.error(n->source(), kpath,
                 "expected " + std::to_string(lo) + " to " + std::to_string(hi));
    else
      out = v;
  }
  std::map<std::string, std::optional<PluginSchema>, std::less<>> schemas_;  // lookups, cached

  std::optional<PluginSchema> schema(const std::string& plugin) {
    auto it = schemas_.find(plugin);
    if (it == schemas_.end()) it = schemas_.emplace(plugin, lookup_.find(plugin)).first;
    return it->second;
  }

  std::string unknown_plugin(const std::string& id) const {
    Names ids = lookup_.plugin_ids;
    std::sort(ids.begin(), ids.end());
    return "unknown plugin '" + id + "'" +
           // No ids may mean none were given rather than none loaded: claim nothing then.
           (ids.empty() ? std::string() : " (loaded plugins: " + join(ids) + ")") +
           did_you_mean(id, ids);
  }

  // Settings when no schema is known: kept as their TOML types suggest, so that a first read
  // (for [host]) does not refuse what the schema may later accept.
  void unchecked_settings(const toml::table& ct, const std::string& path, Connection& c) {
    for (auto&& [k, v] : ct) {
      if (contains(kReservedKeys, k.str())) continue;
      std::string kpath = child(path, k.str());
      Setting s;
      s.key = std::string(k.str());
      s.pos = doc_.pos(v.source());
      std::optional<std::string> value;
      if (const auto* str = v.as_string()) {
        if (looks_like_secret_ref(str->get())) {
          s.secret = doc_.reference(str->get(), v, kpath, true);
          note_grant(s.secret, v, kpath);
          if (s.secret) value.emplace();
        } else {
          value = str->get();
        }
      } else if (v.is_integer()) {
        value = std::to_string(v.as_integer()->get());
      } else if (v.is_floating_point()) {
        value = doc_.finite_double(v, kpath);
      } else if (v.is_boolean()) {
        value = v.as_boolean()->get() ? "true" : "false";
      } else if (v.is_array()) {
        value = doc_.string_list(*v.as_array(), kpath);
      } else {
        doc_.error(v.source(), kpath,
                   "unsupported value type " + type_name(v) +
                       " (settings are strings, integers, floats, booleans or arrays of strings)");
      }
      if (!value) continue;
      s.value = std::move(*value);
      c.settings.push_back(std::move(s));
    }
  }

  void settings(const toml::table& ct, const std::string& path, const PluginSchema& schema,
                Connection& c) {
    Names known = kReservedKeys;
    for (const auto& f : schema.fields) known.emplace_back(view(f.key));
    // Every key written, valid or not: an invalid one is not also reported as missing.
    std::map<std::string, std::optional<Setting>, std::less<>> written;
    for (auto&& [k, v] : ct) {
      if (contains(kReservedKeys, k.str())) continue;
      std::string kpath = child(path, k.str());
      auto f = std::find_if(schema.fields.begin(), schema.fields.end(),
                            [&](const ch_config_field& f) { return view(f.key) == k.str(); });
      if (f == schema.fields.end()) {
        doc_.error(k.source(), kpath,
                   "unknown key '" + std::string(k.str()) + "'" + did_you_mean(k.str(), known));
        continue;
      }
      written.emplace(std::string(k.str()), setting(*f, v, kpath, c.name));
    }
    for (const auto& f : schema.fields) {
      std::string key(view(f.key));
      if (auto it = written.find(key); it != written.end()) {
        if (it->second) c.settings.push_back(std::move(*it->second));
        continue;
      }
      bool secret = f.flags & CH_CONFIG_SECRET;
      if (secret || !f.default_value.data) {
        if (f.flags & CH_CONFIG_REQUIRED) {
          std::string msg = "missing required setting '" + key + "'";
          if (secret)
            msg += " (a secret: \"${env:" + env_name_for(c.name, key) + "}\" or \"${file:PATH}\")";
          else if (!view(f.doc).empty())
            msg += " (" + std::string(view(f.doc)) + ")";
          doc_.error(ct.source(), child(path, key), msg);
        }
        continue;
      }
      Setting s;
      s.key = key;
      s.value = std::string(view(f.default_value));
      s.is_default = true;
      s.pos = c.pos;
      c.settings.push_back(std::move(s));
    }
  }

  // One written setting checked against its schema field.
  std::optional<Setting> setting(const ch_config_field& f, const toml::node& v,
                                 const std::string& path, const std::string& connection) {
    Setting s;
    s.key = std::string(view(f.key));
    s.pos = doc_.pos(v.source());
    s.is_secret = f.flags & CH_CONFIG_SECRET;
    if (s.is_secret) {
      // Whatever was written is not echoed, whatever its type: a mistyped secret is still one.
      const auto* str = v.as_string();
      if (!str || !looks_like_secret_ref(str->get())) {
        doc_.error(v.source(), path,
                   "'" + s.key + "' is a secret and is never written in the config file; use a " +
                       "reference instead, e.g. \"${env:" + env_name_for(connection, s.key) +
                       "}\" or \"${file:PATH}\"");
        return std::nullopt;
      }
      s.secret = doc_.reference(str->get(), v, path, true);
      if (!s.secret) return std::nullopt;
      note_grant(s.secret, v, path);
      return s;
    }
    std::optional<std::string> value;
    bool type_ok = true;
    switch (f.type) {
      case CH_CONFIG_STRING:
        if (const auto* str = v.as_string(); !str) {
          type_ok = false;
        } else if (looks_like_secret_ref(str->get())) {
          s.secret = doc_.reference(str->get(), v, path);
          if (s.secret) value.emplace();
        } else {
          value = str->get();
        }
        break;
      case CH_CONFIG_INT:
        type_ok = v.is_integer();
        if (type_ok) value = std::to_string(v.as_integer()->get());
        break;
      case CH_CONFIG_DOUBLE:
        type_ok = v.is_integer() || v.is_floating_point();
        if (v.is_integer()) value = std::to_string(v.as_integer()->get());
        if (v.is_floating_point()) value = doc_.finite_double(v, path);
        break;
      case CH_CONFIG_BOOL:
        type_ok = v.is_boolean();
        if (type_ok) value = v.as_boolean()->get() ? "true" : "false";
        break;
      case CH_CONFIG_STRING_LIST:
        type_ok = v.is_array();
        if (type_ok) value = doc_.string_list(*v.as_array(), path);
        break;
      default:
        doc_.error(v.source(), path,
                   "the plugin declares this setting with unknown type " + std::to_string(f.type));
        return std::nullopt;
    }
    if (!type_ok)
      doc_.error(v.source(), path, "expected " + expected_type(f.type) + ", got " + type_name(v));
    if (!value) return std::nullopt;
    s.value = std::move(*value);
    return s;
  }

 public:
  // A grant reference names another connection, which may come later in the file: checked once
  // all are read.
  struct GrantUse {
    std::string connection;
    toml::source_region where;
    std::string path;
  };
  const std::vector<GrantUse>& grant_uses() const { return grant_uses_; }

 private:
  std::vector<GrantUse> grant_uses_;

  void note_grant(const std::optional<SecretRef>& ref, const toml::node& v,
                  const std::string& path) {
    if (ref && ref->kind == SecretRef::Kind::grant)
      grant_uses_.push_back({ref->target, v.source(), path});
  }
};

}  // namespace

std::vector<Connection> read_connections(Document& doc, const toml::table* t,
                                         const SchemaLookup& lookup, ConnectionIndex& index) {
  std::vector<Connection> out;
  if (!t) return out;
  ConnectionReader reader(doc, lookup);
  for (auto&& [k, v] : *t) {
    ConnectionInfo info;
    if (auto c = reader.read(k, v, info)) {
      index[c->name] = std::move(info);
      out.push_back(std::move(*c));
    }
  }
  for (const auto& use : reader.grant_uses()) {
    auto it = index.find(use.connection);
    if (it == index.end()) {
      Names names;
      for (const auto& [name, info] : index) names.push_back(name);
      doc.error(use.where, use.path,
                "the grant's connection '" + use.connection + "' is not configured" +
                    did_you_mean(use.connection, names));
    } else if (it->second.schema && !(it->second.schema->capabilities & CH_CAP_LOGIN)) {
      doc.error(use.where, use.path,
                "the grant's connection '" + use.connection + "' uses plugin '" +
                    it->second.plugin +
                    "', which has no login capability: nothing can be "
                    "granted through it");
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Connection& a, const Connection& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  return out;
}

}  // namespace connhost::config::detail
