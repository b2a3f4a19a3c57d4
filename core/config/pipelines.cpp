// [pipelines.*]: what to run, checked against the connection it names and what that
// connection's plugin declares (capabilities, streams), and its timing syntax.

#include <algorithm>
#include <set>
#include <tuple>

#include "config/document.hpp"
#include "config/schedule.hpp"
#include "config/suggest.hpp"

namespace connhost::config::detail {
namespace {

const Names kPipelineKeys = {"connection", "capability", "streams", "schedule", "lookback"};
const Names kCapabilities = {"reporting", "login", "messaging", "profile"};
const uint32_t kCapabilityBits[] = {CH_CAP_REPORTING, CH_CAP_LOGIN, CH_CAP_MESSAGING,
                                    CH_CAP_PROFILE};

uint32_t capability_bit(std::string_view name) {
  for (size_t i = 0; i < kCapabilities.size(); ++i)
    if (kCapabilities[i] == name) return kCapabilityBits[i];
  return 0;
}

std::string offered(uint32_t bits) {
  Names names;
  for (size_t i = 0; i < kCapabilities.size(); ++i)
    if (bits & kCapabilityBits[i]) names.push_back(kCapabilities[i]);
  return names.empty() ? "it offers none" : "it offers: " + join(names);
}

// `schema` null: the plugin's streams are not known, so only the syntax is checked.
Names read_streams(Document& doc, const toml::array& arr, const std::string& path,
                   const PluginSchema* schema, const std::string& plugin) {
  Names out;
  std::set<std::string, std::less<>> seen;
  for (size_t i = 0; i < arr.size(); ++i) {
    const toml::node& item = *arr.get(i);
    std::string ipath = path + "[" + std::to_string(i) + "]";
    auto s = doc.plain_string(item, ipath);
    if (!s) continue;
    if (!seen.insert(*s).second) {
      doc.error(item.source(), ipath, "stream '" + *s + "' is listed twice");
      continue;
    }
    if (schema && !contains(schema->streams, *s)) {
      doc.error(item.source(), ipath,
                "unknown stream '" + *s + "' (plugin '" + plugin + "' offers: " +
                    (schema->streams.empty() ? std::string("none") : join(schema->streams)) + ")" +
                    did_you_mean(*s, schema->streams));
      continue;
    }
    out.push_back(*s);
  }
  return out;
}

std::optional<Pipeline> read_pipeline(Document& doc, const toml::key& k, const toml::node& v,
                                      const ConnectionIndex& index) {
  std::string path = child("pipelines", k.str());
  const toml::table* pt = doc.named_table(k, v, path, "pipeline");
  if (!pt) return std::nullopt;
  doc.check_keys(*pt, path, kPipelineKeys);
  Pipeline p;
  p.name = std::string(k.str());
  p.pos = doc.pos(pt->source());

  const ConnectionInfo* info = nullptr;
  if (const toml::node* n = pt->get("connection")) {
    if (auto s = doc.plain_string(*n, path + ".connection")) {
      p.connection = *s;
      if (auto it = index.find(*s); it != index.end()) {
        info = &it->second;
      } else {
        Names names;
        for (const auto& [name, i] : index) names.push_back(name);
        doc.error(n->source(), path + ".connection",
                  "unknown connection '" + *s + "'" +
                      (names.empty() ? " (no connections are defined)"
                                     : " (defined connections: " + join(names) + ")") +
                      did_you_mean(*s, names));
      }
    }
  } else {
    doc.error(pt->source(), path + ".connection", "missing required key 'connection'");
  }
  // Null when the plugin is unknown or not looked up: what it declares cannot be checked.
  const PluginSchema* schema = info && info->schema ? &*info->schema : nullptr;

  bool capability_ok = false;
  if (const toml::node* n = pt->get("capability")) {
    if (auto s = doc.choice(*n, path + ".capability", kCapabilities, "capability")) {
      p.capability = *s;
      capability_ok = true;
      if (schema && !(schema->capabilities & capability_bit(*s))) {
        auto why = schema->unavailable.find(capability_bit(*s));
        doc.error(n->source(), path + ".capability",
                  "plugin '" + info->plugin + "' does not offer capability '" + *s + "'" +
                      (why != schema->unavailable.end() ? " (" + why->second + ")" : "") + "; " +
                      offered(schema->capabilities));
        capability_ok = false;
      }
    }
  } else {
    doc.error(pt->source(), path + ".capability", "missing required key 'capability'");
  }

  if (const toml::node* n = pt->get("streams")) {
    std::string spath = path + ".streams";
    if (capability_ok && p.capability != "reporting")
      doc.error(n->source(), spath, "streams apply only to capability 'reporting'");
    else if (const auto* arr = n->as_array())
      p.streams = read_streams(doc, *arr, spath, capability_ok ? schema : nullptr,
                               info ? info->plugin : std::string());
    else
      doc.error(n->source(), spath, "expected array of strings, got " + type_name(*n));
  }

  if (const toml::node* n = pt->get("schedule")) {
    if (auto s = doc.plain_string(*n, path + ".schedule")) {
      auto r = parse_schedule(*s);
      if (r.schedule)
        p.schedule = *s;
      else
        doc.error(n->source(), path + ".schedule", "invalid schedule: " + r.error);
    }
  }
  if (const toml::node* n = pt->get("lookback")) {
    if (auto s = doc.plain_string(*n, path + ".lookback")) {
      auto r = parse_lookback(*s);
      if (r.error.empty())
        p.lookback = *s;
      else
        doc.error(n->source(), path + ".lookback", "invalid lookback: " + r.error);
    }
  }
  return p;
}

}  // namespace

std::vector<Pipeline> read_pipelines(Document& doc, const toml::table* t,
                                     const ConnectionIndex& index) {
  std::vector<Pipeline> out;
  if (!t) return out;
  for (auto&& [k, v] : *t)
    if (auto p = read_pipeline(doc, k, v, index)) out.push_back(std::move(*p));
  std::stable_sort(out.begin(), out.end(), [](const Pipeline& a, const Pipeline& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  return out;
}

}  // namespace connhost::config::detail
