#include "conformance/profile.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/secret.hpp"

namespace connhost::conformance {
namespace {

std::string substitute(std::string value, const ProfileContext& ctx) {
  static constexpr std::string_view kSandbox = "${sandbox}";
  for (size_t at = value.find(kSandbox); at != std::string::npos;
       at = value.find(kSandbox, at + ctx.sandbox_url.size()))
    value.replace(at, kSandbox.size(), ctx.sandbox_url);
  return value;
}

// "${sandbox_accounts:PLATFORM}" names a list, not a string: its platform, or empty.
std::string accounts_platform(std::string_view value) {
  static constexpr std::string_view kPrefix = "${sandbox_accounts:";
  if (value.substr(0, kPrefix.size()) != kPrefix || value.back() != '}') return {};
  return std::string(value.substr(kPrefix.size(), value.size() - kPrefix.size() - 1));
}

std::string env_name(const std::string& key) {
  std::string n = "CONNHOST_CONFORMANCE_SECRET_";
  for (char c : key) n += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return n;
}

std::string get_string(const toml::table& t, std::string_view key, const std::string& where,
                       const std::filesystem::path& file) {
  const auto* n = t.get(key);
  if (!n) return {};
  if (!n->is_string())
    throw ProfileError(file.string() + ": " + where + "." + std::string(key) + " must be a string");
  return n->as_string()->get();
}

}  // namespace

Profile read_profile(const std::filesystem::path& file, const ProfileContext& ctx) {
  Profile p;
  p.file = file;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ProfileError(file.string() + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  auto syntax = [&](const toml::parse_error& e) {
    const auto& s = e.source().begin;
    return ProfileError(file.string() + ":" + std::to_string(s.line) + ":" +
                        std::to_string(s.column) + ": " + std::string(e.description()));
  };
  toml::table root;
#if TOML_EXCEPTIONS
  try {
    root = toml::parse(text.str(), file.string());
  } catch (const toml::parse_error& e) {
    throw syntax(e);
  }
#else
  auto parsed = toml::parse(text.str(), file.string());
  if (!parsed) throw syntax(parsed.error());
  root = std::move(parsed).table();
#endif
  for (const auto& [k, v] : root)
    if (k != "connection" && k != "read" && k != "faults" && k != "webhook")
      throw ProfileError(file.string() + ": unknown table or key '" + std::string(k.str()) +
                         "' (known: connection, read, faults, webhook)");
  const auto* conn = root["connection"].as_table();
  if (!conn)
    throw ProfileError(file.string() +
                       ": no [connection] table (the settings of the connection under test)");

  toml::table out_conn;
  out_conn.insert("plugin", ctx.plugin_id);
  for (const auto& [k, v] : *conn) {
    std::string key(k.str());
    if (key == "plugin")
      throw ProfileError(file.string() +
                         ": connection.plugin: leave it out, the plugin is the "
                         "file under test");
    if (key == "isolation")
      throw ProfileError(file.string() +
                         ": connection.isolation: leave it out, the kit runs the plugin in its "
                         "own process (it watches every call and every log line there)");
    if (const auto* s = v.as_string()) {
      std::string value = substitute(s->get(), ctx);
      if (auto platform = accounts_platform(value); !platform.empty()) {
        toml::array list;
        for (const auto& id : ctx.accounts(platform)) list.push_back(id);
        out_conn.insert(key, std::move(list));
      } else if (ctx.secret_keys.count(key) && !config::looks_like_secret_ref(value)) {
        // The host takes secrets only as references; the kit hands the literal over through
        // an environment variable of its own, as an operator would.
        p.literal_secrets[key] = value;
        setenv(env_name(key).c_str(), value.c_str(), 1);
        out_conn.insert(key, "${env:" + env_name(key) + "}");
      } else {
        out_conn.insert(key, value);
      }
    } else if (const auto* a = v.as_array()) {
      toml::array list;
      for (const auto& item : *a) {
        if (const auto* s = item.as_string()) {
          std::string value = substitute(s->get(), ctx);
          if (auto platform = accounts_platform(value); !platform.empty())
            for (const auto& id : ctx.accounts(platform)) list.push_back(id);
          else
            list.push_back(value);
        } else {
          list.push_back(item);
        }
      }
      out_conn.insert(key, std::move(list));
    } else {
      out_conn.insert(key, v);
    }
  }
  toml::table connections;
  connections.insert(kConnectionName, std::move(out_conn));
  toml::table host;
  host.insert("connections", std::move(connections));
  std::ostringstream os;
  os << host;
  p.host_toml = os.str();

  if (const auto* read = root["read"].as_table()) {
    for (const auto& [k, v] : *read)
      if (k != "account" && k != "window_start" && k != "window_end" && k != "streams")
        throw ProfileError(file.string() + ": read." + std::string(k.str()) +
                           ": unknown key (known: account, window_start, window_end, streams)");
    p.account = substitute(get_string(*read, "account", "read", file), ctx);
    p.window_start = get_string(*read, "window_start", "read", file);
    p.window_end = get_string(*read, "window_end", "read", file);
    if (const auto* n = read->get("streams")) {
      const auto* a = n->as_array();
      if (!a) throw ProfileError(file.string() + ": read.streams must be a list of stream names");
      for (const auto& item : *a) {
        if (!item.is_string())
          throw ProfileError(file.string() + ": read.streams must be a list of stream names");
        p.streams.push_back(item.as_string()->get());
      }
    }
  }
  if (const auto* f = root["faults"].as_table()) {
    for (const auto& [k, v] : *f)
      if (k != "platform" && k != "endpoint")
        throw ProfileError(file.string() + ": faults." + std::string(k.str()) +
                           ": unknown key (known: platform, endpoint)");
    p.fault_platform = get_string(*f, "platform", "faults", file);
    p.fault_endpoint = get_string(*f, "endpoint", "faults", file);
  }
  if (const auto* w = root["webhook"].as_table()) {
    static const std::set<std::string_view> kKnown = {"platform", "signature", "header",
                                                      "prefix",   "secret",    "body"};
    for (const auto& [k, v] : *w)
      if (!kKnown.contains(k.str()))
        throw ProfileError(file.string() + ": webhook." + std::string(k.str()) +
                           ": unknown key (known: platform, signature, header, prefix, secret, "
                           "body)");
    p.webhook_platform = get_string(*w, "platform", "webhook", file);
    p.webhook_signature = get_string(*w, "signature", "webhook", file);
    if (auto h = get_string(*w, "header", "webhook", file); !h.empty()) p.webhook_header = h;
    if (w->contains("prefix")) p.webhook_prefix = get_string(*w, "prefix", "webhook", file);
    p.webhook_secret_key = get_string(*w, "secret", "webhook", file);
    p.webhook_body = get_string(*w, "body", "webhook", file);
    if (!p.webhook_signature.empty()) {
      if (p.webhook_signature != "hmac-sha256")
        throw ProfileError(file.string() + ": webhook.signature: '" + p.webhook_signature +
                           "' is not a scheme the kit can sign with (hmac-sha256)");
      if (!p.webhook_platform.empty())
        throw ProfileError(file.string() +
                           ": webhook: set either platform (the sandbox signs) or signature (the "
                           "kit signs), not both");
      if (p.webhook_secret_key.empty() || !p.literal_secrets.contains(p.webhook_secret_key))
        throw ProfileError(file.string() +
                           ": webhook.secret: name a secret setting of [connection] written "
                           "literally there (the key the kit signs with)");
    }
  }
  return p;
}

}  // namespace connhost::conformance
