// Marketing API objects (§1.2): /me/adaccounts, /act_{id}, /act_{id}/campaigns and campaign
// nodes, with field selection and cursor paging.
#include <algorithm>
#include <set>

#include "meta/state.hpp"

namespace connhost::sandbox::meta {
namespace {

constexpr const char* kStatuses[] = {"ACTIVE",   "PAUSED",     "DELETED",
                                     "ARCHIVED", "IN_PROCESS", "WITH_ISSUES"};

GraphError no_field(const std::string& field, std::string_view node_type) {
  return invalid_param("(#100) Tried accessing nonexisting field (" + field + ") on node type (" +
                       std::string(node_type) + ")");
}

// Minor units of the account currency as a numeric string (§1.2: "5000" means 50.00).
std::string minor_units(int64_t micros, int decimals) {
  int64_t div = 1'000'000;
  for (int i = 0; i < decimals; ++i) div /= 10;
  return std::to_string(micros / div);
}

json::value account_field(const Call& c, const Account& a, const std::string& f, bool& ok) {
  ok = true;
  if (f == "id") return json::value("act_" + a.id);
  if (f == "account_id") return json::value(a.id);
  if (f == "name") return json::value(a.name);
  if (f == "currency") return json::value(a.currency);
  if (f == "timezone_name") return json::value(a.time_zone);
  if (f == "account_status") return json::value(1);  // 1 = ACTIVE
  if (f == "disable_reason") return json::value(0);
  if (f == "spend_cap") return json::value("0");
  if (f == "created_time") return json::value(graph_time(a.created_unix));
  if (f == "amount_spent") {
    int64_t micros = 0;
    World& w = c.world();
    for (const auto* camp : w.campaigns(Platform::meta, a.id))
      for (int64_t d = w.first_day(); d <= w.today(); ++d)
        micros += w.metrics(Platform::meta, *camp, d).spend_micros;
    return json::value(minor_units(micros, a.currency_decimals));
  }
  ok = false;
  return nullptr;
}

std::optional<json::object> render_account(const Call& c, const Account& a,
                                           const std::vector<FieldSpec>& fields, GraphError& err) {
  json::object o;
  for (const auto& f : fields) {
    bool ok = false;
    auto v = account_field(c, a, f.name, ok);
    if (!ok) {
      err = no_field(f.name, "AdAccount");
      return std::nullopt;
    }
    o[f.name] = std::move(v);
  }
  if (!o.contains("id")) o["id"] = "act_" + a.id;
  return o;
}

std::string bid_strategy(const Campaign& c) {
  static const char* s[] = {"LOWEST_COST_WITHOUT_CAP", "LOWEST_COST_WITH_BID_CAP", "COST_CAP",
                            "LOWEST_COST_WITH_MIN_ROAS"};
  return s[(c.salt >> 20) % 4];
}

// Fields the §1.2 Campaign object has but the sandbox leaves unset: Graph omits unset fields.
const std::set<std::string> kUnsetCampaignFields = {
    "spend_cap",         "stop_time",
    "promoted_object",   "issues_info",
    "adlabels",          "recommendations",
    "pacing_type",       "topline_id",
    "boosted_object_id", "last_budget_toggling_time"};

std::optional<json::object> render_campaign(const Call& c, const Campaign& camp,
                                            const std::vector<FieldSpec>& fields, GraphError& err) {
  const Account* acc = c.world().account(Platform::meta, camp.account_id);
  json::object o;
  std::string status = campaign_status(camp);
  for (const auto& f : fields) {
    const std::string& n = f.name;
    if (n == "id")
      o[n] = camp.id;
    else if (n == "account_id")
      o[n] = camp.account_id;
    else if (n == "name")
      o[n] = camp.name;
    else if (n == "objective")
      o[n] = camp.objective;
    else if (n == "status" || n == "configured_status" || n == "effective_status")
      o[n] = status;
    else if (n == "buying_type")
      o[n] = "AUCTION";
    else if (n == "bid_strategy")
      o[n] = bid_strategy(camp);
    else if (n == "daily_budget")
      o[n] = minor_units(camp.daily_budget_micros, acc->currency_decimals);
    else if (n == "lifetime_budget")
      o[n] = "0";
    else if (n == "budget_remaining") {
      int64_t left = 0;
      if (status == "ACTIVE") {
        auto today = c.world().metrics(Platform::meta, camp, c.world().today());
        left = std::max<int64_t>(0, camp.daily_budget_micros - today.spend_micros);
      }
      o[n] = minor_units(left, acc->currency_decimals);
    } else if (n == "start_time" || n == "created_time")
      o[n] = graph_time(camp.created_unix);
    else if (n == "updated_time")
      o[n] = graph_time(camp.modified_unix);
    else if (n == "special_ad_categories")
      o[n] = json::array{};
    else if (n == "special_ad_category")
      o[n] = "NONE";
    else if (n == "source_campaign_id")
      o[n] = "0";
    else if (n == "smart_promotion_type")
      o[n] = "GUIDED_CREATION";
    else if (kUnsetCampaignFields.count(n))
      continue;
    else {
      err = no_field(n, "Campaign");
      return std::nullopt;
    }
  }
  if (!o.contains("id")) o["id"] = camp.id;
  return o;
}

std::optional<std::vector<std::string>> json_string_list(const std::string& text) {
  try {
    auto v = json::parse(text);
    std::vector<std::string> out;
    if (v.is_string()) return std::vector<std::string>{std::string(v.get_string())};
    if (!v.is_array()) return std::nullopt;
    for (const auto& x : v.as_array()) {
      if (x.is_string())
        out.emplace_back(x.get_string());
      else if (x.is_number())
        out.push_back(json::serialize(x));
      else
        return std::nullopt;
    }
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string campaign_status(const Campaign& c) {
  switch (c.state) {
    case CampaignState::active:
      return "ACTIVE";
    case CampaignState::paused:
      return "PAUSED";
    case CampaignState::deleted:
      return (c.salt >> 5) % 2 ? "ARCHIVED" : "DELETED";
  }
  return "PAUSED";
}

std::optional<std::vector<Filter>> parse_filtering(const Params& p, GraphError& error) {
  std::vector<Filter> out;
  if (auto es = p.get("effective_status")) {
    auto list = json_string_list(*es);
    if (!list) {
      error = invalid_param("(#100) param effective_status must be an array of strings");
      return std::nullopt;
    }
    out.push_back({"effective_status", "IN", *list});
  }
  if (auto f = p.get("filtering")) {
    try {
      auto v = json::parse(*f);
      if (!v.is_array()) throw std::invalid_argument("not an array");
      for (const auto& item : v.as_array()) {
        const auto& o = item.as_object();
        Filter flt;
        flt.field = std::string(o.at("field").as_string());
        flt.op = std::string(o.at("operator").as_string());
        auto list = json_string_list(json::serialize(o.at("value")));
        if (!list) throw std::invalid_argument("bad value");
        flt.values = *list;
        out.push_back(std::move(flt));
      }
    } catch (const std::exception&) {
      error = invalid_param(
          "(#100) filtering must be an array of objects with field, operator and value");
      return std::nullopt;
    }
  }
  for (const auto& flt : out) {
    static const std::set<std::string> ops = {"IN",        "NOT_IN",  "EQUAL",
                                              "NOT_EQUAL", "CONTAIN", "NOT_CONTAIN"};
    if (!ops.count(flt.op)) {
      error = invalid_param("(#100) Filtering operator " + flt.op + " is not supported");
      return std::nullopt;
    }
    std::string field = flt.field.rfind("campaign.", 0) == 0 ? flt.field.substr(9) : flt.field;
    if (field != "effective_status" && field != "id" && field != "name" && field != "objective") {
      error = invalid_param("(#100) Filtering field " + flt.field + " is invalid.");
      return std::nullopt;
    }
    if (field == "effective_status")
      for (size_t i = 0; i < flt.values.size(); ++i)
        if (std::find(std::begin(kStatuses), std::end(kStatuses), flt.values[i]) ==
            std::end(kStatuses)) {
          error = invalid_param("(#100) Param effective_status[" + std::to_string(i) +
                                "] must be one of {ACTIVE, PAUSED, DELETED, ARCHIVED, "
                                "IN_PROCESS, WITH_ISSUES}");
          return std::nullopt;
        }
  }
  return out;
}

bool campaign_matches(const Campaign& c, const std::vector<Filter>& filters) {
  for (const auto& f : filters) {
    std::string field = f.field.rfind("campaign.", 0) == 0 ? f.field.substr(9) : f.field;
    std::string v = field == "effective_status" ? campaign_status(c)
                    : field == "id"             ? c.id
                    : field == "name"           ? c.name
                                                : c.objective;
    bool in = std::find(f.values.begin(), f.values.end(), v) != f.values.end();
    bool contains = !f.values.empty() && v.find(f.values[0]) != std::string::npos;
    bool keep = f.op == "IN" || f.op == "EQUAL"           ? in
                : f.op == "NOT_IN" || f.op == "NOT_EQUAL" ? !in
                : f.op == "CONTAIN"                       ? contains
                                                          : !contains;
    if (!keep) return false;
  }
  return true;
}

Response ad_accounts(Call& c) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  const std::string& who = c.segs[0];
  if (who == "me" && t->kind == kAppToken) {
    GraphError e;
    e.code = 2500;
    e.message = "An active access token must be used to query information about the current user.";
    return error_response(e);
  }
  if (t->kind == kPageToken) return error_response(no_field("adaccounts", "Page"));
  if (who != "me" && who != t->subject) return error_response(unsupported_request("GET", who));
  // Default fields of this edge: account_id and id.
  auto fields = parse_fields(c.params.get("fields").value_or("account_id,id"));
  std::vector<const Account*> listed;
  for (const auto& a : c.world().accounts(Platform::meta))
    if (std::find(t->accounts.begin(), t->accounts.end(), a.id) != t->accounts.end())
      listed.push_back(&a);
  PageRequest pr{c.base(), c.version, c.path(), &c.params, false, 25, 500};
  auto w = page_window(pr, listed.size(), err);
  if (!w) return error_response(err);
  json::array data;
  for (size_t i = w->begin; i < w->end; ++i) {
    auto o = render_account(c, *listed[i], fields, err);
    if (!o) return error_response(err);
    data.push_back(std::move(*o));
  }
  return graph_json(page_envelope(pr, *w, listed.size(), std::move(data)));
}

Response ad_account(Call& c, const std::string& account_id) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  if (auto denied = account_access(c, *t, account_id)) return error_response(*denied);
  const Account* a = c.world().account(Platform::meta, account_id);
  auto o = render_account(c, *a, parse_fields(c.params.get("fields").value_or("id")), err);
  if (!o) return error_response(err);
  return graph_json(*o);
}

Response campaigns(Call& c, const std::string& account_id) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  if (auto denied = account_access(c, *t, account_id)) return error_response(*denied);
  auto filters = parse_filtering(c.params, err);
  if (!filters) return error_response(err);
  auto fields = parse_fields(c.params.get("fields").value_or("id"));
  std::vector<const Campaign*> list;
  for (const auto* camp : c.world().campaigns(Platform::meta, account_id))
    if (campaign_matches(*camp, *filters)) list.push_back(camp);
  // Newest first, as Ads Manager lists them; ties broken by id so paging is stable.
  std::sort(list.begin(), list.end(), [](const Campaign* a, const Campaign* b) {
    return a->created_unix != b->created_unix ? a->created_unix > b->created_unix : a->id < b->id;
  });
  PageRequest pr{c.base(), c.version, c.path(), &c.params, false, 25, 500};
  auto w = page_window(pr, list.size(), err);
  if (!w) return error_response(err);
  json::array data;
  for (size_t i = w->begin; i < w->end; ++i) {
    auto o = render_campaign(c, *list[i], fields, err);
    if (!o) return error_response(err);
    data.push_back(std::move(*o));
  }
  return graph_json(page_envelope(pr, *w, list.size(), std::move(data)));
}

Response campaign_node(Call& c, const Campaign& camp) {
  GraphError err;
  auto o = render_campaign(c, camp, parse_fields(c.params.get("fields").value_or("id")), err);
  if (!o) return error_response(err);
  return graph_json(*o);
}

}  // namespace connhost::sandbox::meta
