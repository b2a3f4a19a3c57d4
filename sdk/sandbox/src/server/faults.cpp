#include "server/faults.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace connhost::sandbox {
namespace json = boost::json;
namespace {

constexpr std::pair<FaultKind, std::string_view> kKinds[] = {
    {FaultKind::latency, "latency"},
    {FaultKind::rate_limit, "rate_limit"},
    {FaultKind::server_error, "server_error"},
    {FaultKind::expired_token, "expired_token"},
    {FaultKind::revoked_token, "revoked_token"},
    {FaultKind::malformed_json, "malformed_json"},
    {FaultKind::truncated_body, "truncated_body"},
    {FaultKind::connection_reset, "connection_reset"},
    {FaultKind::slow_drip, "slow_drip"},
    {FaultKind::expired_cursor, "expired_cursor"},
};

FaultRule parse_rule(const json::value& v, size_t index, const std::vector<std::string>& also) {
  std::string where = "faults[" + std::to_string(index) + "]";
  if (!v.is_object()) throw std::invalid_argument(where + ": not an object");
  const auto& o = v.as_object();
  FaultRule r;
  for (const auto& [key, val] : o) {
    std::string k(key);
    auto need_int = [&]() -> int64_t {
      if (!val.is_int64()) throw std::invalid_argument(where + "." + k + ": not an integer");
      return val.as_int64();
    };
    auto need_str = [&]() -> std::string {
      if (!val.is_string()) throw std::invalid_argument(where + "." + k + ": not a string");
      return std::string(val.as_string());
    };
    if (k == "platform") {
      r.platform = need_str();
      if (!r.platform.empty() && r.platform != "tiktok" && r.platform != "meta" &&
          r.platform != "google" && r.platform != "pinterest" &&
          std::find(also.begin(), also.end(), r.platform) == also.end())
        throw std::invalid_argument(where + ".platform: '" + r.platform +
                                    "' is not tiktok, meta, google or pinterest" +
                                    (also.empty() ? "" : " nor a replayed fixture's platform"));
    } else if (k == "endpoint") {
      r.endpoint = need_str();
    } else if (k == "kind") {
      auto kind = parse_fault_kind(need_str());
      if (!kind) throw std::invalid_argument(where + ".kind: unknown fault kind");
      r.kind = *kind;
    } else if (k == "rate_per_second") {
      if (!val.is_number()) throw std::invalid_argument(where + ".rate_per_second: not a number");
      r.rate_per_second = val.to_number<double>();
    } else if (k == "skip") {
      r.skip = static_cast<int>(need_int());
    } else if (k == "times") {
      r.times = static_cast<int>(need_int());
    } else if (k == "every") {
      r.every = static_cast<int>(need_int());
      if (r.every < 1) throw std::invalid_argument(where + ".every: must be >= 1");
    } else if (k == "latency_ms") {
      r.latency = std::chrono::milliseconds(need_int());
    } else if (k == "status") {
      r.status = static_cast<int>(need_int());
    } else if (k == "code") {
      r.code = static_cast<int>(need_int());
    } else if (k == "retry_after_s") {
      r.retry_after = std::chrono::seconds(need_int());
    } else if (k == "drip_chunk") {
      r.drip_chunk = static_cast<size_t>(std::max<int64_t>(1, need_int()));
    } else if (k == "drip_interval_ms") {
      r.drip_interval = std::chrono::milliseconds(need_int());
    } else if (k == "matched") {
      // Written by to_json for people to read; a rule read back starts counting afresh.
    } else {
      throw std::invalid_argument(where + ": unknown field '" + k + "'");
    }
  }
  if (!o.contains("kind")) throw std::invalid_argument(where + ": missing 'kind'");
  return r;
}

// An exact endpoint name, or a pattern with '*' standing for any run of characters: "ads/search"
// must not also hit "ads/searchStream", while "act/*" covers every ad-account endpoint.
bool endpoint_matches(std::string_view pattern, std::string_view name) {
  size_t star = pattern.find('*');
  if (star == std::string_view::npos) return pattern == name;
  std::string_view head = pattern.substr(0, star), rest = pattern.substr(star + 1);
  if (name.substr(0, head.size()) != head) return false;
  for (size_t i = head.size(); i <= name.size(); ++i)
    if (endpoint_matches(rest, name.substr(i))) return true;
  return false;
}

}  // namespace

std::string_view fault_kind_name(FaultKind k) {
  for (auto [kind, name] : kKinds)
    if (kind == k) return name;
  return "?";
}

std::optional<FaultKind> parse_fault_kind(std::string_view s) {
  for (auto [kind, name] : kKinds)
    if (name == s) return kind;
  return std::nullopt;
}

std::vector<FaultRule> Faults::parse(std::string_view text,
                                     const std::vector<std::string>& also_platforms) {
  json::value v;
  try {
    v = json::parse(text);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("faults: invalid JSON: ") + e.what());
  }
  const json::value* list = &v;
  if (v.is_object() && v.as_object().contains("faults")) list = &v.as_object().at("faults");
  std::vector<FaultRule> out;
  if (list->is_array()) {
    for (size_t i = 0; i < list->as_array().size(); ++i)
      out.push_back(parse_rule(list->as_array()[i], i, also_platforms));
  } else {
    out.push_back(parse_rule(*list, 0, also_platforms));
  }
  return out;
}

std::string Faults::to_json(const std::vector<FaultRule>& rules) {
  json::array a;
  for (const auto& r : rules) {
    json::object o;
    o["platform"] = r.platform;
    o["endpoint"] = r.endpoint;
    o["kind"] = fault_kind_name(r.kind);
    if (r.rate_per_second > 0) o["rate_per_second"] = r.rate_per_second;
    o["skip"] = r.skip;
    o["times"] = r.times;
    o["every"] = r.every;
    if (r.latency.count()) o["latency_ms"] = r.latency.count();
    if (r.status) o["status"] = r.status;
    if (r.code) o["code"] = r.code;
    if (r.retry_after.count()) o["retry_after_s"] = r.retry_after.count();
    if (r.kind == FaultKind::slow_drip) {
      o["drip_chunk"] = r.drip_chunk;
      o["drip_interval_ms"] = r.drip_interval.count();
    }
    o["matched"] = r.matched;
    a.push_back(std::move(o));
  }
  return json::serialize(json::object{{"faults", std::move(a)}});
}

void Faults::add(std::vector<FaultRule> rules) {
  std::lock_guard lock(mutex_);
  for (auto& r : rules) {
    rules_.push_back(std::move(r));
    windows_.emplace_back();
  }
}

void Faults::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
  windows_.clear();
}

std::vector<FaultRule> Faults::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::optional<FaultRule> Faults::decide(std::string_view platform, std::string_view endpoint) {
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < rules_.size(); ++i) {
    auto& r = rules_[i];
    if (!r.platform.empty() && r.platform != platform) continue;
    if (!r.endpoint.empty() && !endpoint_matches(r.endpoint, endpoint)) continue;
    int64_t n = r.matched++;
    if (r.kind == FaultKind::rate_limit && r.rate_per_second > 0) {
      auto& w = windows_[i];
      while (!w.empty() && now - w.front() >= std::chrono::seconds(1)) w.erase(w.begin());
      if (static_cast<double>(w.size()) >= r.rate_per_second) return r;
      w.push_back(now);
      continue;
    }
    if (n < r.skip) continue;
    int64_t k = n - r.skip;
    if (r.times >= 0 && k >= static_cast<int64_t>(r.times) * r.every) continue;
    if (k % r.every != 0) continue;
    return r;
  }
  return std::nullopt;
}

}  // namespace connhost::sandbox
