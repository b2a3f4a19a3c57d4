#pragma once

// What the Meta emulator remembers between requests, and the per-request call object its
// handlers receive.

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "meta/graph.hpp"
#include "platform_api.hpp"

namespace connhost::sandbox::meta {

// The sandbox's one Facebook Page and its linked Instagram professional account, which the
// Send API and the webhooks speak for (§3.3, §3.4).
inline constexpr std::string_view kPageId = "109876543210987";
inline constexpr std::string_view kPageName = "Acme Store Sandbox";
inline constexpr std::string_view kIgAccountId = "17841400000000001";
// What /me/accounts and the nodes tell of them (profile.cpp).
inline constexpr std::string_view kPageCategory = "Shopping & Retail";
inline constexpr std::string_view kPageWebsite = "https://acme-store.example";
inline constexpr int64_t kPageFans = 1250;
inline constexpr int64_t kPageFollowers = 1318;
inline constexpr std::string_view kIgUsername = "acmestore.sandbox";
inline constexpr std::string_view kIgName = "Acme Store";
inline constexpr int64_t kIgFollowers = 2875;
// The person who logs in through the dialog (an app-scoped id, §2.5) and the system user the
// preissued token belongs to.
inline constexpr std::string_view kUserId = "10157106986155798";
inline constexpr std::string_view kUserName = "Jane Sandbox";
inline constexpr std::string_view kSystemUserId = "61550000000000001";
inline constexpr std::string_view kSystemUserName = "Sandbox System User";

// Token kinds in the shared TokenStore (family "graph").
inline constexpr std::string_view kUserToken = "user";
inline constexpr std::string_view kSystemUserToken = "system_user";
inline constexpr std::string_view kPageToken = "page";
inline constexpr std::string_view kAppToken = "app";
inline constexpr std::string_view kAuthCode = "auth_code";

// Sliding-window call accounting behind the §1.7 usage headers.
class Usage {
 public:
  // A call at `now` (unix seconds) costing `points` against the app and, when given, an ad
  // account and one of its business use cases ("ads_insights", "ads_management").
  void record(int64_t now, const std::string& account, const std::string& use_case, int points);
  // Header values for a response; `over` forces every counter above 100 (a throttle answer).
  Fields headers(int64_t now, const std::string& account, const std::string& use_case,
                 bool insights, bool over, int64_t regain_seconds) const;

 private:
  struct Hit {
    int64_t at;
    int points;
  };
  static double in_window(const std::deque<Hit>& hits, int64_t now, int64_t window);
  static int64_t reset_in(const std::deque<Hit>& hits, int64_t now, int64_t window);
  static void add(std::deque<Hit>& hits, int64_t now, int points);
  static void prune(std::deque<Hit>& hits, int64_t now, int64_t window);
  mutable std::mutex mutex_;
  std::deque<Hit> app_;
  std::map<std::string, std::deque<Hit>> account_;
  std::map<std::pair<std::string, std::string>, std::deque<Hit>> buc_;
};

struct InsightRow {
  const Campaign* campaign = nullptr;  // null at level=account
  int64_t day_start = 0, day_stop = 0;
  DayMetrics m;
  int purchase_style = 0;  // which purchase action types this campaign reports (insights.cpp)
};

struct ReportRun {
  std::string id;
  std::string account_id;
  std::string owner_token;
  std::map<std::string, std::string> params;  // the POSTed insights parameters
  int64_t created = 0;
  int64_t completed = 0;
  int polls = 0;
  int64_t date_start = 0, date_stop = 0;
  bool done = false;
  std::shared_ptr<const std::vector<InsightRow>> rows;  // snapshot taken when the job completes
};

struct MetaState {
  explicit MetaState(Context& c) : ctx(c) {}
  Context& ctx;
  Usage usage;

  std::mutex mutex;  // guards everything below
  std::map<std::string, ReportRun> runs;
  std::map<std::string, int64_t> last_inbound;  // "<page or IG id>:<PSID or IGSID>" -> unix s
  std::map<std::string, int> revoke_subcode;    // token -> 190 subcode to answer
  std::map<std::string, std::vector<std::string>> declined;  // user id -> declined permissions
  // Rows of recent insights reads, so that paging through a large report does not recompute it
  // for every page; keyed by account, query and restatement epoch.
  std::map<std::string, std::shared_ptr<const std::vector<InsightRow>>> row_cache;
  std::deque<std::string> row_cache_order;
  uint64_t counter = 0;

  std::string next_id(std::string_view prefix, int digits);
};

// One request, routed: its parsed parameters, the version it asked for and the version served.
struct Call {
  Request& req;
  MetaState& st;
  Params params;
  std::vector<std::string> segs;  // path segments after the version
  std::string version;            // as requested, or kCurrentVersion when unversioned
  std::string served;             // after auto-upgrade (§0)
  std::string path() const;       // "/" + segments joined
  std::string base() const { return st.ctx.base_url(); }
  World& world() const { return st.ctx.world; }
  TokenStore& tokens() const { return st.ctx.tokens; }
  const Credentials& creds() const { return st.ctx.credentials; }
};

// The access token of a call, from `access_token` (query, form or JSON body) or an
// `Authorization: Bearer|OAuth` header, checked against the store. An app token may be the
// literal "{app-id}|{app-secret}" (§2.3).
std::optional<Token> authenticate(Call& call, GraphError& error);
std::optional<std::string> raw_token(const Call& call);
GraphError expired_token_error(int64_t expired_at, int64_t now);
GraphError revoked_token_error(int subcode);
// Permission check for the ads endpoints: nullopt when the token may read this account.
std::optional<GraphError> account_access(const Call& call, const Token& t,
                                         const std::string& account_id);

// Campaign vocabulary (ads.cpp): the §1.2 status enum for a world campaign, and the
// `filtering` / `effective_status` parameters both the campaigns edge and insights accept.
std::string campaign_status(const Campaign& c);
struct Filter {
  std::string field;  // "effective_status", "campaign.effective_status", "campaign.id", ...
  std::string op;     // IN, NOT_IN, EQUAL, NOT_EQUAL, CONTAIN
  std::vector<std::string> values;
};
std::optional<std::vector<Filter>> parse_filtering(const Params& p, GraphError& error);
bool campaign_matches(const Campaign& c, const std::vector<Filter>& filters);

// Handlers (oauth.cpp, ads.cpp, insights.cpp, messaging.cpp).
Response dialog_oauth(Call& c);
Response oauth_access_token(Call& c);
Response debug_token(Call& c);
Response node_me(Call& c, const Token& t, const std::string& id);
Response permissions(Call& c);
Response me_accounts(Call& c);
// One entry of /me/accounts with the `fields` asked (profile.cpp): the Page's own fields and its
// instagram_business_account{...}; nullopt and `error` set for a field a Page does not have.
std::optional<json::object> managed_page(const Token& user, const std::string& page_token,
                                         std::string_view fields, GraphError& error);
Response ad_accounts(Call& c);
Response ad_account(Call& c, const std::string& account_id);
Response campaigns(Call& c, const std::string& account_id);
Response campaign_node(Call& c, const Campaign& campaign);
Response insights_sync(Call& c, const std::string& account_id);
Response insights_async(Call& c, const std::string& account_id);
Response report_run(Call& c, const std::string& run_id);
Response report_run_insights(Call& c, const std::string& run_id);
Response send_message(Call& c, const std::string& sender_id);

// Webhooks (webhooks.cpp). The i-th delivery of a batch comes from these users.
std::string psid_for(int index);
std::string igsid_for(int index);
std::optional<WebhookDelivery> make_webhook(MetaState& st, const WebhookSpec& spec);

// Fault answers (errors.cpp).
Response fault_answer(MetaState& st, const FaultRule& fault, const std::string& endpoint,
                      const std::string& account);

}  // namespace connhost::sandbox::meta
