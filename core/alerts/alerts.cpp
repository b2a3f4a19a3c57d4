#include "alerts/alerts.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <stdexcept>

#include "http/client.hpp"
#include "http/hmac.hpp"
#include "log/logger.hpp"
#include "log/secret_mask.hpp"
#include "metrics/metrics.hpp"
#include "plugin/registry.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"

namespace connhost::alerts {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown";
  return buf;
}

std::string resolve(const config::SecretRef& ref, std::string_view what) {
  auto v = config::resolve_secret(ref);
  if (!v.ok()) throw std::runtime_error("[alerts] " + std::string(what) + ": " + v.error);
  return *v.value;
}

// One sample of the text exposition format: the labels of `name{...} value`.
struct Sample {
  std::map<std::string, std::string, std::less<>> labels;
  double value = 0;
};

// The samples of family `name` in Registry::render()'s output. The registry hands out series
// only by their full label set, so its text form is the one way to list them all.
std::vector<Sample> samples_of(const std::string& text, std::string_view name) {
  std::vector<Sample> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (!line.starts_with(name)) continue;
    std::string_view rest = line.substr(name.size());
    if (rest.empty() || (rest[0] != '{' && rest[0] != ' ')) continue;  // another family
    Sample s;
    if (rest[0] == '{') {
      size_t i = 1;
      while (i < rest.size() && rest[i] != '}') {
        size_t eq = rest.find('=', i);
        if (eq == std::string_view::npos || eq + 1 >= rest.size() || rest[eq + 1] != '"') break;
        std::string key(rest.substr(i, eq - i)), value;
        size_t j = eq + 2;
        for (; j < rest.size() && rest[j] != '"'; ++j) {
          if (rest[j] == '\\' && j + 1 < rest.size()) {
            ++j;
            value += rest[j] == 'n' ? '\n' : rest[j];
          } else {
            value += rest[j];
          }
        }
        s.labels.emplace(std::move(key), std::move(value));
        i = j + 1;
        if (i < rest.size() && rest[i] == ',') ++i;
      }
      rest = i < rest.size() ? rest.substr(i + 1) : std::string_view{};
    }
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    if (ec != std::errc{}) continue;
    s.value = v;
    out.push_back(std::move(s));
  }
  return out;
}

std::string label(const Sample& s, std::string_view key) {
  auto it = s.labels.find(key);
  return it == s.labels.end() ? std::string() : it->second;
}

std::string seconds_text(double s) {
  auto minutes = static_cast<int64_t>(s / 60);
  return std::to_string(minutes) + " min " + std::to_string(static_cast<int64_t>(s) % 60) + " s";
}

}  // namespace

std::string alert_json(const Alert& a) {
  boost::json::object o;
  o["rule"] = a.rule;
  o["kind"] = a.kind;
  o["subject"] = a.subject;
  o["severity"] = a.severity;
  o["message"] = a.message;
  o["first_seen"] = store::timestamp_at(a.first_seen);
  o["count"] = a.count;
  o["host"] = a.host;
  return boost::json::serialize(o);
}

Evaluator::Evaluator(const config::AlertsSettings& settings, Sources sources,
                     std::shared_ptr<http::Client> http, Options options)
    : settings_(settings),
      sources_(std::move(sources)),
      http_(std::move(http)),
      options_(std::move(options)) {
  if (!settings_.secret) throw std::runtime_error("[alerts] secret: not configured");
  if (!sources_.metrics) throw std::invalid_argument("alerts: no metrics registry");
  secret_ = resolve(*settings_.secret, "secret");  // registered with the log mask
  url_ = settings_.url_ref ? resolve(*settings_.url_ref, "url") : settings_.url;
  if (!options_.now) options_.now = [] { return std::chrono::system_clock::now(); };
  if (options_.host.empty()) options_.host = host_name();
  auto& m = *sources_.metrics;
  m.declare("connhost_alerts_sent_total", "Alerts delivered to the [alerts] url, by rule.",
            metrics::Registry::Type::counter);
  m.counter("connhost_alerts_failed_total",
            "Alert deliveries that failed (no answer, or not 2xx); each is retried with backoff.");
}

Evaluator::~Evaluator() = default;

std::vector<Finding> Evaluator::check_store(const config::AlertRule& rule) {
  std::vector<Finding> out;
  if (!sources_.open_store) return out;
  if (!store_) store_ = std::make_unique<store::Store>(sources_.open_store());
  auto& sql = store_->session();
  if (rule.kind == "refresh_failed") {
    // A grant that needs a new sign-in is down until someone signs in; one whose refreshes keep
    // failing (the platform is down, the app's secret changed) soon will be.
    int64_t n = rule.failures;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT CAST(id AS TEXT), connection, status, "
                        "CAST(refresh_failures AS TEXT), last_refresh_error "
                        "FROM grants WHERE status = 'reauth_required' OR "
                        "(status = 'active' AND refresh_failures >= :n) "
                        "ORDER BY id",
         soci::use(n));
    for (const auto& r : rows) {
      std::string id = r.get<std::string>(0), conn = r.get<std::string>(1),
                  status = r.get<std::string>(2), failures = r.get<std::string>(3);
      std::string error =
          r.get_indicator(4) == soci::i_null ? std::string() : r.get<std::string>(4);
      std::string message = status == "reauth_required"
                                ? "grant " + id + " of connection " + conn +
                                      " needs re-authorization: sign in again at /auth/" + conn
                                : "grant " + id + " of connection " + conn + ": " + failures +
                                      " token refreshes failed in a row";
      if (!error.empty()) message += " (last error: " + error + ")";
      out.push_back(
          {rule.name, rule.kind, "grant " + id + " of connection " + conn, rule.severity, message});
    }
  } else if (rule.kind == "pipeline_failures") {
    std::vector<std::string> pipelines;
    soci::rowset<std::string> names =
        (sql.prepare << "SELECT DISTINCT pipeline FROM sync_runs ORDER BY pipeline");
    for (const auto& p : names) pipelines.push_back(p);
    for (const auto& p : pipelines) {
      // Finished runs, newest first; a run still going neither breaks nor extends the streak.
      int64_t limit = rule.threshold;
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT status, error_category, error FROM sync_runs WHERE pipeline = "
                          ":p AND status <> 'running' ORDER BY id DESC LIMIT :n",
           soci::use(p), soci::use(limit));
      int64_t failed = 0;
      std::string last_error;
      for (const auto& r : rows) {
        std::string status = r.get<std::string>(0);
        if (status != "failed" && status != "interrupted") break;
        if (failed++ == 0) {
          if (r.get_indicator(1) != soci::i_null) last_error = r.get<std::string>(1);
          if (r.get_indicator(2) != soci::i_null)
            last_error += (last_error.empty() ? "" : ": ") + r.get<std::string>(2);
        }
      }
      if (failed < rule.threshold) continue;
      std::string message =
          "pipeline " + p + " failed its last " + std::to_string(failed) + " runs";
      if (!last_error.empty()) message += " (last error: " + last_error + ")";
      out.push_back({rule.name, rule.kind, "pipeline " + p, rule.severity, message});
    }
  }
  return out;
}

std::vector<Finding> Evaluator::check_webhooks(const config::AlertRule& rule, TimePoint now) {
  // The counter only goes up: the rejections within the window are its rise since the oldest
  // sample not older than the window. A series first seen now was 0 at the previous round.
  std::map<std::string, double> totals;
  for (const auto& s : samples_of(sources_.metrics->render(), kWebhookRejectedMetric)) {
    std::string reason = label(s, "reason");
    if (reason == "bad_signature" || reason == "stale_timestamp")
      totals[label(s, "connection")] += s.value;
  }
  std::vector<Finding> out;
  const auto window = std::chrono::seconds(rule.window_seconds);
  for (const auto& [conn, total] : totals) {
    auto& series = webhook_series_[Key{rule.name, conn}].samples;
    if (series.empty()) series.emplace_back(last_round_.value_or(now), 0.0);
    series.emplace_back(now, total);
    // Keep the newest sample at or before the window's start as the baseline.
    while (series.size() > 2 && series[1].first <= now - window) series.erase(series.begin());
    double rise = total - series.front().second;
    if (rise < static_cast<double>(rule.threshold)) continue;
    out.push_back({rule.name, rule.kind, "connection " + conn, rule.severity,
                   "connection " + conn + ": " + std::to_string(static_cast<int64_t>(rise)) +
                       " webhook deliveries rejected for their signature or timestamp within " +
                       std::to_string(rule.window_seconds) + " s"});
  }
  return out;
}

std::vector<Finding> Evaluator::check_quota(const config::AlertRule& rule) {
  std::vector<Finding> out;
  for (const auto& s : samples_of(sources_.metrics->render(), kQuotaWaitMetric)) {
    if (s.value <= static_cast<double>(rule.minutes) * 60) continue;
    std::string p = label(s, "pipeline");
    out.push_back({rule.name, rule.kind, "pipeline " + p, rule.severity,
                   "pipeline " + p + ": its run has waited " + seconds_text(s.value) +
                       " on rate limits (more than " + std::to_string(rule.minutes) + " min)"});
  }
  return out;
}

std::vector<Finding> Evaluator::check_plugins(const config::AlertRule& rule) {
  std::vector<Finding> out;
  if (!sources_.plugins) return out;
  for (const auto& r : sources_.plugins->refused())
    out.push_back({rule.name, rule.kind, "plugin file " + r.path.string(), rule.severity,
                   "plugin file " + r.path.string() + " was refused: " + r.reason});
  return out;
}

std::vector<Finding> Evaluator::check(const config::AlertRule& rule, TimePoint now) {
  if (rule.kind == "refresh_failed" || rule.kind == "pipeline_failures") return check_store(rule);
  if (rule.kind == "webhook_signature_failures") return check_webhooks(rule, now);
  if (rule.kind == "quota_wait") return check_quota(rule);
  if (rule.kind == "plugin_refused") return check_plugins(rule);
  return {};
}

void Evaluator::raise(const Finding& f, const Incident& incident, History& history, TimePoint now) {
  Alert a{f.rule,
          f.kind,
          f.subject,
          f.severity,
          log::mask_secrets(f.message),
          incident.first_seen,
          history.held_back + 1,
          options_.host};
  history.held_back = 0;
  history.last_sent = now;
  log::error("alert {} ({}, {}): {}", a.rule, a.severity, a.subject, a.message);
  pending_.push_back({std::move(a), 0, now});
}

bool Evaluator::deliver(Delivery& d, TimePoint now) {
  std::string body = alert_json(d.alert);
  http::Request req;
  req.method = "POST";
  req.url = url_;
  req.body = body;
  req.timeout = options_.request_timeout;
  req.headers = {
      {"Content-Type", "application/json"},
      {"X-Connhost-Signature", "sha256=" + http::hmac_sha256_hex(secret_, body)},
      {"X-Connhost-Timestamp",
       std::to_string(
           std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())}};
  ++d.attempts;
  std::string failure;
  try {
    auto res = http_->send(req);
    if (res.status >= 200 && res.status < 300) {
      sources_.metrics
          ->counter("connhost_alerts_sent_total", "Alerts delivered to the [alerts] url, by rule.",
                    {{"rule", d.alert.rule}})
          .inc();
      log::info("alert {} ({}) delivered", d.alert.rule, d.alert.subject);
      return true;
    }
    failure = "the receiver answered " + std::to_string(res.status);
  } catch (const std::exception& e) {
    failure = e.what();
  }
  sources_.metrics->counter("connhost_alerts_failed_total", "").inc();
  failure = log::mask_secrets(failure);
  if (d.attempts >= options_.max_attempts) {
    log::error("alert {} ({}) dropped after {} attempts: {}", d.alert.rule, d.alert.subject,
               d.attempts, failure);
    d.attempts = -1;  // given up
    return false;
  }
  auto wait =
      std::min(options_.retry_max, options_.retry_base * (1 << std::min(d.attempts - 1, 16)));
  d.next_at = now + wait;
  log::warn("alert {} ({}) not delivered ({}); retrying in {} s", d.alert.rule, d.alert.subject,
            failure, wait.count());
  return false;
}

Evaluator::RoundReport Evaluator::evaluate_once() {
  RoundReport report;
  const TimePoint now = options_.now();
  std::map<Key, const Finding*> seen;
  for (const auto& rule : settings_.rules) {
    try {
      for (auto& f : check(rule, now)) report.findings.push_back(std::move(f));
    } catch (const std::exception& e) {
      // A store that went away is opened again next round; the other rules still run.
      if (rule.kind == "refresh_failed" || rule.kind == "pipeline_failures") store_.reset();
      log::warn("alerts: rule {} could not be checked: {}", rule.name, log::mask_secrets(e.what()));
    }
  }
  for (const auto& f : report.findings) seen.emplace(Key{f.rule, f.subject}, &f);

  // Resolved: what no longer holds. An incident the rate limit held back counts toward the next
  // alert of its rule and subject.
  for (auto it = incidents_.begin(); it != incidents_.end();) {
    if (seen.contains(it->first)) {
      ++it;
      continue;
    }
    log::info("alert {} ({}) resolved", it->first.rule, it->first.subject);
    if (!it->second.sent) ++history_[it->first].held_back;
    ++report.resolved;
    it = incidents_.erase(it);
  }
  const auto min_interval = std::chrono::seconds(settings_.min_interval_seconds);
  for (const auto& [key, f] : seen) {
    auto [it, opened] = incidents_.try_emplace(key, Incident{now, false});
    if (opened) ++report.opened;
    Incident& incident = it->second;
    if (incident.sent) continue;  // ongoing: already alerted
    History& h = history_[key];
    if (h.last_sent && now - *h.last_sent < min_interval) {
      if (opened) {
        ++report.held_back;
        log::warn("alert {} ({}) held back: the previous one was sent less than {} s ago", key.rule,
                  key.subject, settings_.min_interval_seconds);
      }
      continue;
    }
    raise(*f, incident, h, now);
    incident.sent = true;
  }

  for (auto& d : pending_) {
    if (d.next_at > now) continue;
    if (deliver(d, now)) {
      ++report.sent;
      d.attempts = -2;  // delivered
    } else {
      ++report.failed;
    }
  }
  std::erase_if(pending_, [](const Delivery& d) { return d.attempts < 0; });
  last_round_ = now;
  return report;
}

Loop::Loop(Evaluator& evaluator, std::chrono::seconds every)
    : evaluator_(evaluator), every_(every) {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, every_, [this] { return stop_; })) {
      lock.unlock();
      try {
        evaluator_.evaluate_once();
      } catch (const std::exception& e) {
        log::error("alerts: a round failed: {}", log::mask_secrets(e.what()));
      }
      lock.lock();
    }
  });
}

Loop::~Loop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace connhost::alerts
