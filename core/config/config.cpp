// Loading: reads the file, parses it, and hands each top-level section to its reader. [host],
// [store], [server] and [vault] are small enough to live here; connections and pipelines have their
// own files.

#include "config/config.hpp"

#include <boost/url/parse.hpp>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>

#include "config/categories.hpp"
#include "config/document.hpp"
#include "config/listen_address.hpp"
#include "config/suggest.hpp"

namespace connhost::config {
namespace fs = std::filesystem;

namespace {

using detail::Document;
using detail::Names;

const Names kTopKeys = {"host",      "store", "server",   "connections", "pipelines",
                        "reporting", "vault", "contacts", "alerts"};
const Names kVaultKeys = {"active_key", "keys"};
const Names kReportingKeys = {"categories_file", "currency", "fx_file"};
const Names kHostKeys = {"plugin_dirs", "log_level", "log_format", "schedule_lease_seconds",
                         "plugin_watch_seconds"};
const Names kStoreKeys = {"backend", "path", "url"};
const Names kServerKeys = {"listen",         "api_key",  "api_keys",
                           "max_body_bytes", "web_root", "report_cache_seconds",
                           "public_url"};
const Names kLogLevels = {"trace", "debug", "info", "warn", "error", "off"};
const Names kLogFormats = {"text", "json"};
const Names kBackends = {"sqlite", "postgresql"};

bool valid_listen(std::string_view s) {
  auto a = parse_listen(s);
  return a && a->port >= 1;
}

void read_host(Document& doc, const toml::table* t, HostConfig& cfg) {
  cfg.plugin_dirs = {doc.resolve("plugins")};
  cfg.log_level = "info";
  cfg.log_format = "text";
  if (!t) return;
  doc.check_keys(*t, "host", kHostKeys);
  if (const toml::node* n = t->get("plugin_dirs")) {
    if (const auto* arr = n->as_array()) {
      cfg.plugin_dirs.clear();
      for (size_t i = 0; i < arr->size(); ++i) {
        const toml::node& item = *arr->get(i);
        std::string path = "host.plugin_dirs[" + std::to_string(i) + "]";
        auto s = doc.plain_string(item, path);
        if (!s) continue;
        if (s->empty())
          doc.error(item.source(), path, "empty path");
        else
          cfg.plugin_dirs.push_back(doc.resolve(*s));
      }
    } else {
      doc.error(n->source(), "host.plugin_dirs",
                "expected array of strings, got " + detail::type_name(*n));
    }
  }
  if (const toml::node* n = t->get("log_level"))
    if (auto s = doc.choice(*n, "host.log_level", kLogLevels, "log level")) cfg.log_level = *s;
  if (const toml::node* n = t->get("log_format"))
    if (auto s = doc.choice(*n, "host.log_format", kLogFormats, "log format")) cfg.log_format = *s;
  if (const toml::node* n = t->get("schedule_lease_seconds")) {
    if (!n->is_integer())
      doc.error(n->source(), "host.schedule_lease_seconds",
                "expected integer, got " + detail::type_name(*n));
    else if (int64_t v = n->as_integer()->get(); v < 1 || v > 86400)
      doc.error(n->source(), "host.schedule_lease_seconds",
                "expected seconds from 1 to 86400 (a day)");
    else
      cfg.schedule_lease_seconds = v;
  }
  if (const toml::node* n = t->get("plugin_watch_seconds")) {
    if (!n->is_integer())
      doc.error(n->source(), "host.plugin_watch_seconds",
                "expected integer, got " + detail::type_name(*n));
    else if (int64_t v = n->as_integer()->get(); v < 0 || v > 3600)
      doc.error(n->source(), "host.plugin_watch_seconds",
                "expected seconds from 0 (no watching) to 3600");
    else
      cfg.plugin_watch_seconds = v;
  }
}

void read_store(Document& doc, const toml::table* t, StoreSettings& st) {
  st.backend = "sqlite";
  st.sqlite_path = doc.resolve("data/connhost.db");
  if (!t) return;
  doc.check_keys(*t, "store", kStoreKeys);
  bool backend_ok = true;
  if (const toml::node* n = t->get("backend")) {
    auto s = doc.choice(*n, "store.backend", kBackends, "store backend");
    backend_ok = s.has_value();
    if (s) st.backend = *s;
  }
  if (const toml::node* n = t->get("path")) {
    if (auto s = doc.plain_string(*n, "store.path")) {
      if (s->empty())
        doc.error(n->source(), "store.path", "empty path");
      else
        st.sqlite_path = doc.resolve(*s);
    }
  }
  const toml::node* url = t->get("url");
  if (url) {
    // A connection string may carry a password, so it is never quoted in an error either.
    if (const auto* s = url->as_string()) {
      if (looks_like_secret_ref(s->get()))
        st.url_secret = doc.reference(s->get(), *url, "store.url");
      else if (s->get().empty())
        doc.error(url->source(), "store.url", "empty connection string");
      else
        st.url = s->get();
    } else {
      doc.error(url->source(), "store.url", "expected string, got " + detail::type_name(*url));
    }
  }
  if (!backend_ok) return;
  if (st.backend == "postgresql" && !url)
    doc.error(t->source(), "store.url",
              "backend 'postgresql' needs store.url, a libpq connection string (it may be a "
              "reference such as \"${env:CONNHOST_PG_URL}\")");
  // Most likely a forgotten `backend = "postgresql"`: running on sqlite instead would hide it.
  if (st.backend == "sqlite" && url)
    doc.error(url->source(), "store.url",
              "url is only used by backend 'postgresql', and the backend is 'sqlite' (set "
              "store.backend = \"postgresql\", or remove the url)");
}

// What redirect URIs are built on: an origin and maybe a path prefix (a reverse proxy's).
bool valid_public_url(std::string_view s) {
  auto u = boost::urls::parse_absolute_uri(s);
  return u && (u->scheme() == "http" || u->scheme() == "https") && !u->encoded_host().empty() &&
         !u->has_query() && !u->has_fragment() && !u->has_userinfo();
}

bool valid_currency(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

std::optional<fs::path> path_setting(Document& doc, const toml::table& t, std::string_view key,
                                     const std::string& path) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  auto s = doc.plain_string(*n, path);
  if (!s) return std::nullopt;
  if (s->empty()) {
    doc.error(n->source(), path, "empty path");
    return std::nullopt;
  }
  return doc.resolve(*s);
}

constexpr int64_t kMinBody = 1024, kMaxBody = int64_t{1} << 30;

void read_server(Document& doc, const toml::table* t, HostConfig& cfg) {
  cfg.listen = "127.0.0.1:8007";
  if (!t) return;
  doc.check_keys(*t, "server", kServerKeys);
  ServerSettings& srv = cfg.server;
  if (const toml::node* n = t->get("listen")) {
    srv.listen_pos = doc.pos(n->source());
    if (auto s = doc.plain_string(*n, "server.listen")) {
      if (valid_listen(*s))
        cfg.listen = *s;
      else
        doc.error(n->source(), "server.listen",
                  "expected HOST:PORT or [IPV6]:PORT with a port from 1 to 65535, e.g. "
                  "\"127.0.0.1:8007\"");
    }
  }
  if (const toml::node* n = t->get("api_key")) {
    const auto* s = n->as_string();
    if (s && looks_like_secret_ref(s->get()))
      srv.api_key = doc.reference(s->get(), *n, "server.api_key");
    else
      doc.error(n->source(), "server.api_key",
                "the API key is a secret and is never written in the config file; use a "
                "reference instead, e.g. \"${env:CONNHOST_API_KEY}\" or \"${file:PATH}\"");
  }
  if (const toml::table* keys = doc.table_at(*t, "api_keys", "server")) {
    static const Names kKeyKeys = {"key", "scopes"};
    static const Names kScopes = {"pii", "*"};
    for (const auto& [k, v] : *keys) {
      std::string path = detail::child("server.api_keys", k.str());
      const toml::table* kt = doc.named_table(k, v, path, "api_key");
      if (!kt) continue;
      doc.check_keys(*kt, path, kKeyKeys);
      ServerSettings::NamedKey key{.name = std::string(k.str()), .pos = doc.pos(kt->source())};
      bool ok = true;
      if (key.name == "default" && srv.api_key) {
        doc.error(k.source(), path,
                  "the name 'default' is taken by server.api_key; choose another");
        ok = false;
      }
      const toml::node* kn = kt->get("key");
      const auto* ks = kn ? kn->as_string() : nullptr;
      if (!kn) {
        doc.error(kt->source(), path + ".key",
                  "required: the key's value as a reference, e.g. \"${env:CONNHOST_" +
                      std::string(k.str()) + "_KEY}\"");
        ok = false;
      } else if (ks && looks_like_secret_ref(ks->get())) {
        if (auto ref = doc.reference(ks->get(), *kn, path + ".key"))
          key.key = *ref;
        else
          ok = false;
      } else {
        doc.error(kn->source(), path + ".key",
                  "an API key is a secret and is never written in the config file; use a "
                  "reference instead, e.g. \"${env:CONNHOST_API_KEY}\" or \"${file:PATH}\"");
        ok = false;
      }
      if (const toml::node* sn = kt->get("scopes")) {
        if (const auto* arr = sn->as_array()) {
          for (size_t i = 0; i < arr->size(); ++i) {
            const toml::node& item = *arr->get(i);
            std::string ipath = path + ".scopes[" + std::to_string(i) + "]";
            const auto* s = item.as_string();
            if (!s) {
              doc.error(item.source(), ipath, "expected string, got " + detail::type_name(item));
              ok = false;
            } else if (!detail::contains(kScopes, s->get())) {
              doc.error(item.source(), ipath,
                        "unknown scope '" + s->get() + "': expected one of " +
                            detail::join(kScopes) + did_you_mean(s->get(), kScopes));
              ok = false;
            } else {
              key.scopes.push_back(s->get());
            }
          }
        } else {
          doc.error(sn->source(), path + ".scopes",
                    "expected an array of scopes, e.g. [\"pii\"], got " + detail::type_name(*sn));
          ok = false;
        }
      }
      if (ok) srv.api_keys.push_back(std::move(key));
    }
  }
  if (const toml::node* n = t->get("max_body_bytes")) {
    if (!n->is_integer())
      doc.error(n->source(), "server.max_body_bytes",
                "expected integer, got " + detail::type_name(*n));
    else if (int64_t v = n->as_integer()->get(); v < kMinBody || v > kMaxBody)
      doc.error(n->source(), "server.max_body_bytes",
                "expected a number of bytes from " + std::to_string(kMinBody) + " to " +
                    std::to_string(kMaxBody));
    else
      srv.max_body_bytes = v;
  }
  if (auto p = path_setting(doc, *t, "web_root", "server.web_root")) srv.web_root = *p;
  if (const toml::node* n = t->get("report_cache_seconds")) {
    if (!n->is_integer())
      doc.error(n->source(), "server.report_cache_seconds",
                "expected integer, got " + detail::type_name(*n));
    else if (int64_t v = n->as_integer()->get(); v < 0 || v > 86400)
      doc.error(n->source(), "server.report_cache_seconds",
                "expected seconds from 0 (no cache) to 86400");
    else
      srv.report_cache_seconds = v;
  }
  if (const toml::node* n = t->get("public_url")) {
    if (auto s = doc.plain_string(*n, "server.public_url")) {
      std::string url = *s;
      while (url.ends_with('/')) url.pop_back();
      if (valid_public_url(url))
        srv.public_url = url;
      else
        doc.error(n->source(), "server.public_url",
                  "expected an absolute http(s) URL without query or fragment, e.g. "
                  "\"https://connhost.example.com\"");
    }
  }
}

// The categories file is loaded here too, so that `config validate` and every command that reads
// the configuration report a broken rule before a sync spends an hour and then cannot categorize.
void read_reporting(Document& doc, const toml::table* t, ReportingSettings& rep,
                    std::vector<Diagnostic>& extra) {
  rep.currency = "USD";
  if (!t) return;
  doc.check_keys(*t, "reporting", kReportingKeys);
  if (const toml::node* n = t->get("currency")) {
    if (auto s = doc.plain_string(*n, "reporting.currency")) {
      if (valid_currency(*s))
        rep.currency = *s;
      else
        doc.error(n->source(), "reporting.currency",
                  "expected an ISO 4217 code of three capital letters, e.g. \"USD\"");
    }
  }
  if (auto p = path_setting(doc, *t, "fx_file", "reporting.fx_file")) rep.fx_file = *p;
  if (auto p = path_setting(doc, *t, "categories_file", "reporting.categories_file")) {
    rep.categories_file = *p;
    auto rules = load_category_rules(*p);
    if (!rules.ok()) {
      doc.error(t->get("categories_file")->source(), "reporting.categories_file",
                "the categories file has " + std::to_string(rules.errors.size()) + " error" +
                    (rules.errors.size() == 1 ? "" : "s") + " (listed below)");
      for (auto& e : rules.errors) extra.push_back(std::move(e));
    }
  }
}

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

void read_vault(Document& doc, const toml::table* t, VaultSettings& v) {
  if (!t) return;
  doc.check_keys(*t, "vault", kVaultKeys);
  if (const toml::node* keys = t->get("keys")) {
    if (const auto* kt = keys->as_table()) {
      for (const auto& [k, node] : *kt) {
        std::string path = detail::child("vault.keys", k.str());
        if (!valid_key_id(k.str())) {
          doc.error(k.source(), path,
                    "a key id has 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'");
          continue;
        }
        const auto* s = node.as_string();
        if (!s || !looks_like_secret_ref(s->get())) {
          // Never echo the value: it may well be the key itself.
          doc.error(node.source(), path,
                    "a vault key is a secret and is never written in the config file; use a "
                    "reference instead, e.g. \"${env:CONNHOST_VAULT_KEY}\" or \"${file:PATH}\"");
          continue;
        }
        if (auto ref = doc.reference(s->get(), node, path))
          v.keys.push_back({std::string(k.str()), *ref, doc.pos(node.source())});
      }
    } else {
      doc.error(keys->source(), "vault.keys",
                "expected a table of key id = reference, got " + detail::type_name(*keys));
    }
  }
  const toml::node* active = t->get("active_key");
  if (active) {
    v.active_key_pos = doc.pos(active->source());
    if (auto s = doc.plain_string(*active, "vault.active_key")) {
      bool known = false;
      for (const auto& k : v.keys) known = known || k.id == *s;
      const toml::table* kt = t->get("keys") ? t->get("keys")->as_table() : nullptr;
      bool written = kt && kt->contains(*s);  // present but refused: reported there already
      if (known)
        v.active_key = *s;
      else if (!written)
        doc.error(active->source(), "vault.active_key",
                  "names no key of [vault.keys]; add it there as a reference, e.g. " + *s +
                      " = \"${env:CONNHOST_VAULT_KEY}\"");
    }
  } else if (const toml::node* keys = t->get("keys")) {
    doc.error(keys->source(), "vault.active_key",
              "required with [vault.keys]: the id of the key new secrets are encrypted with");
  }
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

std::string Diagnostic::to_string() const {
  std::string out = pos.file;
  if (pos.line > 0) out += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  if (!out.empty()) out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

const Setting* Connection::setting(std::string_view key) const {
  for (const auto& s : settings)
    if (s.key == key) return &s;
  return nullptr;
}

const Connection* HostConfig::connection(std::string_view name) const {
  for (const auto& c : connections)
    if (c.name == name) return &c;
  return nullptr;
}

SchemaLookup SchemaLookup::over(std::map<std::string, PluginSchema, std::less<>> plugins) {
  std::vector<std::string> ids;
  for (const auto& [id, schema] : plugins) ids.push_back(id);
  auto shared = std::make_shared<const decltype(plugins)>(std::move(plugins));
  return SchemaLookup(
      [shared](std::string_view id) -> std::optional<PluginSchema> {
        auto it = shared->find(id);
        if (it == shared->end()) return std::nullopt;
        return it->second;
      },
      std::move(ids));
}

LoadResult load_string(std::string_view toml, const fs::path& pretend_file,
                       const SchemaLookup& lookup) {
  HostConfig cfg;
  std::error_code ec;
  fs::path abs = fs::absolute(pretend_file, ec);
  cfg.file = (ec ? pretend_file : abs).lexically_normal();
  Document doc(pretend_file.string(), cfg.file.parent_path(), toml);

  LoadResult out;
  std::vector<Diagnostic> rules_errors;  // another file's: after this file's, in its own order
  if (auto root = doc.parse()) {
    doc.check_keys(*root, "", kTopKeys);
    read_host(doc, doc.table_at(*root, "host"), cfg);
    read_store(doc, doc.table_at(*root, "store"), cfg.store);
    read_server(doc, doc.table_at(*root, "server"), cfg);
    detail::ConnectionIndex index;
    cfg.connections =
        detail::read_connections(doc, doc.table_at(*root, "connections"), lookup, index);
    cfg.pipelines = detail::read_pipelines(doc, doc.table_at(*root, "pipelines"), index);
    read_reporting(doc, doc.table_at(*root, "reporting"), cfg.reporting, rules_errors);
    read_vault(doc, doc.table_at(*root, "vault"), cfg.vault);
    detail::read_contacts(doc, doc.table_at(*root, "contacts"), cfg.contacts);
    detail::read_alerts(doc, doc.table_at(*root, "alerts"), cfg.alerts);
  }
  out.errors = doc.take_errors();
  for (auto& e : rules_errors) out.errors.push_back(std::move(e));
  if (out.errors.empty()) out.config = std::move(cfg);
  return out;
}

LoadResult load_file(const fs::path& file, const SchemaLookup& lookup) {
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
  int err = f ? 0 : errno;
  std::string text;
  if (f) {
    char buf[8192];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) text.append(buf, n);
    if (std::ferror(f.get())) err = errno ? errno : EIO;  // EISDIR shows up here, not at open
  }
  if (err) {
    LoadResult out;
    out.errors.push_back({{file.string(), 0, 0},
                          "",
                          "cannot read config file: " + std::generic_category().message(err)});
    return out;
  }
  return load_string(text, file, lookup);
}

}  // namespace connhost::config
