// [alerts]: where alerts go, the key that signs them, and the rules (core/alerts).

#include <boost/url/parse.hpp>

#include <algorithm>
#include <utility>

#include "config/document.hpp"

namespace connhost::config::detail {
namespace {

const Names kAlertsKeys = {"url", "secret", "min_interval_seconds", "interval_seconds", "rules"};
const Names kKinds = {"refresh_failed", "pipeline_failures", "quota_wait",
                      "webhook_signature_failures", "plugin_refused"};
const Names kSeverities = {"critical", "error", "warning"};

// The keys each kind takes besides `kind` and `severity`.
Names kind_keys(std::string_view kind) {
  if (kind == "refresh_failed") return {"failures"};
  if (kind == "pipeline_failures") return {"threshold"};
  if (kind == "quota_wait") return {"minutes"};
  if (kind == "webhook_signature_failures") return {"threshold", "window_seconds"};
  return {};
}

bool valid_alert_url(std::string_view s) {
  auto u = boost::urls::parse_absolute_uri(s);
  return u && (u->scheme() == "http" || u->scheme() == "https") && !u->encoded_host().empty() &&
         !u->has_fragment();
}

// An integer key in [lo, hi]; true when absent or valid (then stored in `out`).
bool read_int(Document& doc, const toml::table& t, std::string_view key, const std::string& path,
              int64_t lo, int64_t hi, std::string_view unit, int64_t& out) {
  const toml::node* n = t.get(key);
  if (!n) return true;
  if (!n->is_integer()) {
    doc.error(n->source(), path, "expected integer, got " + type_name(*n));
    return false;
  }
  int64_t v = n->as_integer()->get();
  if (v < lo || v > hi) {
    doc.error(n->source(), path,
              "expected " + std::string(unit) + " from " + std::to_string(lo) + " to " +
                  std::to_string(hi));
    return false;
  }
  out = v;
  return true;
}

void read_rule(Document& doc, const toml::key& k, const toml::node& v, AlertsSettings& a) {
  std::string path = child("alerts.rules", k.str());
  const toml::table* t = doc.named_table(k, v, path, "alert rule");
  if (!t) return;
  AlertRule rule{.name = std::string(k.str()), .pos = doc.pos(t->source())};
  const toml::node* kn = t->get("kind");
  if (!kn) {
    doc.error(t->source(), path + ".kind", "required: one of " + join(kKinds));
    return;
  }
  auto kind = doc.choice(*kn, path + ".kind", kKinds, "alert kind");
  if (!kind) return;
  rule.kind = *kind;
  Names known = {"kind", "severity"};
  for (auto& key : kind_keys(rule.kind)) known.push_back(key);
  doc.check_keys(*t, path, known);

  rule.severity = rule.kind == "refresh_failed" ? "critical" : "error";
  bool ok = true;
  if (const toml::node* n = t->get("severity")) {
    if (auto s = doc.choice(*n, path + ".severity", kSeverities, "severity"))
      rule.severity = *s;
    else
      ok = false;
  }
  auto required = [&](std::string_view key, std::string_view what) {
    if (t->get(key)) return true;
    doc.error(t->source(), path + "." + std::string(key),
              "required by kind '" + rule.kind + "': " + std::string(what));
    return false;
  };
  if (rule.kind == "refresh_failed") {
    ok = read_int(doc, *t, "failures", path + ".failures", 1, 1000, "failures in a row",
                  rule.failures) &&
         ok;
  } else if (rule.kind == "pipeline_failures") {
    ok = required("threshold", "the failed runs in a row that raise the alert, e.g. 3") &&
         read_int(doc, *t, "threshold", path + ".threshold", 1, 1000, "runs", rule.threshold) && ok;
  } else if (rule.kind == "quota_wait") {
    ok = required("minutes", "how long a run may wait on rate limits, e.g. 30") &&
         read_int(doc, *t, "minutes", path + ".minutes", 1, 10080, "minutes", rule.minutes) && ok;
  } else if (rule.kind == "webhook_signature_failures") {
    ok = required("threshold", "the rejected deliveries within window_seconds, e.g. 20") &&
         read_int(doc, *t, "threshold", path + ".threshold", 1, 1000000, "rejections",
                  rule.threshold) &&
         ok;
    ok = read_int(doc, *t, "window_seconds", path + ".window_seconds", 10, 86400, "seconds",
                  rule.window_seconds) &&
         ok;
  }
  if (ok) a.rules.push_back(std::move(rule));
}

}  // namespace

void read_alerts(Document& doc, const toml::table* t, AlertsSettings& a) {
  if (!t) return;
  a.pos = doc.pos(t->source());
  doc.check_keys(*t, "alerts", kAlertsKeys);

  const toml::node* url = t->get("url");
  if (!url) {
    doc.error(t->source(), "alerts.url",
              "required: the URL alerts are POSTed to, e.g. \"https://ops.example.com/hooks\" "
              "(or a reference such as \"${env:CONNHOST_ALERT_URL}\")");
  } else if (const auto* s = url->as_string()) {
    // A URL may carry a token in its path or query, so it is never quoted in an error.
    if (looks_like_secret_ref(s->get()))
      a.url_ref = doc.reference(s->get(), *url, "alerts.url");
    else if (valid_alert_url(s->get()))
      a.url = s->get();
    else
      doc.error(url->source(), "alerts.url",
                "expected an absolute http(s) URL, e.g. \"https://ops.example.com/hooks\"");
  } else {
    doc.error(url->source(), "alerts.url", "expected string, got " + type_name(*url));
  }

  if (const toml::node* n = t->get("secret")) {
    const auto* s = n->as_string();
    if (s && looks_like_secret_ref(s->get()))
      a.secret = doc.reference(s->get(), *n, "alerts.secret");
    else
      doc.error(n->source(), "alerts.secret",
                "the alert signing key is a secret and is never written in the config file; use "
                "a reference instead, e.g. \"${env:CONNHOST_ALERT_SECRET}\" or \"${file:PATH}\"");
  } else {
    doc.error(t->source(), "alerts.secret",
              "required: the key alerts are signed with (HMAC-SHA256), as a reference, e.g. "
              "\"${env:CONNHOST_ALERT_SECRET}\"");
  }

  read_int(doc, *t, "min_interval_seconds", "alerts.min_interval_seconds", 0, 604800, "seconds",
           a.min_interval_seconds);
  read_int(doc, *t, "interval_seconds", "alerts.interval_seconds", 1, 3600, "seconds",
           a.interval_seconds);

  const toml::table* rules = doc.table_at(*t, "rules", "alerts");
  if (rules)
    for (const auto& [k, v] : *rules) read_rule(doc, k, v, a);
  // TOML++ keeps a table's keys sorted; the rules are listed (and checked) as written.
  std::ranges::sort(a.rules, {},
                    [](const AlertRule& r) { return std::pair(r.pos.line, r.pos.column); });
  if (!rules || rules->empty())
    doc.error(t->source(), "alerts.rules",
              "no rules: add at least one [alerts.rules.NAME] with a kind (" + join(kKinds) + ")");
}

}  // namespace connhost::config::detail
