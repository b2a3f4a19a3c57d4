// Meta connector: Graph / Marketing API (reporting), Facebook Login (login, profile), Messenger
// and Instagram messaging. Wire format notes: shared/platforms/meta-google.md, section 1 to 3.
//
// Reporting, per stream (section numbers refer to those notes):
// - accounts: GET /me/adaccounts (cursor pages), or GET /act_{id} for each configured account.
// - campaigns: GET /act_{id}/campaigns with explicit fields (1.2), cursor pages.
// - campaign_daily: the window in chunks of chunk_days (aligned to its end); each chunk either a
//   synchronous
//   GET /act_{id}/insights (1.3) or, for windows longer than async_after_days, an async report
//   run (1.5: POST, poll GET /{run}, GET /{run}/insights), several in flight at once. Each chunk
//   is parsed whole, emitted, then checkpointed, so memory is one chunk and an interrupted
//   backfill resumes after it.
//
// Login: Facebook Login (section 2), requests and answers in meta_login.{hpp,cpp}. Meta has no
// refresh grant: the stored token is the long-lived one, and "refresh" repeats the long-lived
// exchange on it while it is still valid (section 2.3). After either exchange, debug_token (2.4)
// gives the stored record its expiry, granted scopes and user id.
//
// Messaging (section 3): the hub.challenge handshake with webhook_verify_token, X-Hub-Signature-256
// with app_secret, entry[].messaging[] as events (meta_webhook.{hpp,cpp}); the Send API on
// /{page-id}/messages with messaging_type RESPONSE (meta_messaging.{hpp,cpp}); media_url answers
// the attachment URL the webhook already carried.
#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

#include <algorithm>
#include <deque>
#include <set>
#include <thread>
#include <utility>

#include "meta_graph.hpp"
#include "meta_login.hpp"
#include "meta_messaging.hpp"
#include "meta_parse.hpp"
#include "meta_profile.hpp"
#include "meta_requests.hpp"
#include "meta_webhook.hpp"

namespace {

using connhost::Error;
namespace ar = connhost::ad_reporting;

std::string daily_state(std::string_view start, std::string_view end, int64_t last_day) {
  return ar::daily_state(start, end, meta::day_text(last_day));
}

std::optional<int64_t> resume_after(std::string_view state, std::string_view start,
                                    std::string_view end) {
  auto last = ar::daily_state_last_day(state, start, end);
  return last ? meta::day_number(*last) : std::nullopt;
}

std::string account_arg(std::string_view account) {
  std::string id(account);
  if (id.rfind("act_", 0) == 0) id = id.substr(4);
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw Error::config("'" + std::string(account) + "' is not a Meta ad account number");
  return id;
}

int64_t window_day(std::string_view text, std::string_view which) {
  auto d = meta::day_number(text);
  if (!d)
    throw Error::config("the read window's " + std::string(which) + " must be YYYY-MM-DD, got '" +
                        std::string(text) + "'");
  return *d;
}

// Error messages are built partly from Graph's own text; whatever path a token might take into
// one, it leaves here masked.
Error redacted(const Error& e, const std::optional<std::string>& token) {
  std::string m = e.what();
  if (token && token->size() >= 8)
    for (size_t p; (p = m.find(*token)) != std::string::npos;) m.replace(p, token->size(), "***");
  return Error(e.category(), std::move(m), e.retry_after());
}

class MetaConnector {
 public:
  static constexpr connhost::PluginInfo info{"meta", "Meta (Facebook, Instagram)", "0.1.0", "meta"};
  static constexpr unsigned capabilities =
      connhost::kReporting | connhost::kLogin | connhost::kMessaging | connhost::kProfile;
  static constexpr unsigned flags = connhost::kUnloadSafe;  // no statics, no threads

  static constexpr ch_config_field config[] = {
      connhost::setting("base_url", CH_CONFIG_STRING, "Graph API host (the sandbox's in tests)",
                        "https://graph.facebook.com"),
      connhost::setting("dialog_url", CH_CONFIG_STRING, "Facebook Login dialog",
                        "https://www.facebook.com/dialog/oauth"),
      // v26.0 is the newest Graph version (released 2026-07-29, Graph API changelog).
      connhost::setting("api_version", CH_CONFIG_STRING, "Graph API version in the path", "v26.0"),
      connhost::required_setting("app_id", CH_CONFIG_STRING, "Meta app id"),
      connhost::secret_setting("app_secret", "Meta app secret (also signs webhooks)"),
      connhost::secret_setting(
          "access_token", "System-user or long-lived token, until the vault provides one", false),
      connhost::setting("ad_account_ids", CH_CONFIG_STRING_LIST,
                        "Ad accounts (digits, without act_); empty: /me/adaccounts"),
      connhost::setting("purchase_action_types", CH_CONFIG_STRING_LIST,
                        "Action types counted as purchases, first present wins (never summed)",
                        "omni_purchase\npurchase\noffsite_conversion.fb_pixel_purchase"),
      connhost::secret_setting("webhook_verify_token", "hub.verify_token for the handshake", false),
      connhost::setting("page_id", CH_CONFIG_STRING,
                        "Page (or Instagram account) that sends messages when a send names none; "
                        "empty: /me/messages, which needs a Page token"),
      connhost::setting("rate_limit_qps", CH_CONFIG_DOUBLE, "Requests per second", "5"),
      connhost::setting("page_size", CH_CONFIG_INT, "Graph `limit` per page (1-5000)", "500"),
      connhost::setting("chunk_days", CH_CONFIG_INT,
                        "Days per insights request; a checkpoint follows each chunk", "30"),
      connhost::setting("async_after_days", CH_CONFIG_INT,
                        "Windows longer than this use async report runs (0: always)", "31"),
      connhost::setting("async_poll_initial_ms", CH_CONFIG_INT,
                        "First wait between report-run polls; doubles up to async_poll_max_ms",
                        "1000"),
      connhost::setting("async_poll_max_ms", CH_CONFIG_INT, "Longest wait between polls", "30000"),
      connhost::setting("async_concurrent_runs", CH_CONFIG_INT,
                        "Report runs kept in flight at once per read (1-20)", "3"),
      connhost::setting("async_timeout_s", CH_CONFIG_INT,
                        "Give up on a report run after this long (transient error)", "3600"),
      connhost::setting("throttle_default_retry_s", CH_CONFIG_INT,
                        "Retry-after when Graph throttles without a regain time in its headers",
                        "300"),
      connhost::setting("usage_pace_pct", CH_CONFIG_DOUBLE,
                        "Usage-header percentage above which requests are paced", "75"),
      connhost::setting("usage_stop_pct", CH_CONFIG_DOUBLE,
                        "Usage-header percentage at which the read stops with a quota error", "95"),
      connhost::setting("usage_pace_max_ms", CH_CONFIG_INT,
                        "Longest pause before one request while pacing", "5000"),
  };

  static constexpr const ch_stream_def (&streams)[3] = ar::kStreams;

  MetaConnector(connhost::Call&, const connhost::Config& config)
      : settings_(meta::Settings::from(config)),
        urls_(settings_),
        app_id_(config.get_string("app_id")),
        dialog_url_(config.get_string("dialog_url", "https://www.facebook.com/dialog/oauth")),
        page_id_(config.get_string("page_id")) {}

  // --- Messaging (section 3) ------------------------------------------------------------------

  void handshake(connhost::Call& call, const ch_webhook_request& r) {
    auto challenge =
        meta::webhook::handshake(connhost::to_sv(r.query), call.secret("webhook_verify_token"));
    call.output("handshake", {{"status", "200"}, {"body", challenge}});
  }

  void verify(connhost::Call& call, const ch_webhook_request& r) {
    meta::webhook::verify(header(r, "X-Hub-Signature-256"), connhost::to_sv(r.body),
                          call.secret("app_secret"));
  }

  void parse_events(connhost::Call& call, const ch_webhook_request& r) {
    for (const auto& e : meta::webhook::parse_webhook(connhost::to_sv(r.body)))
      connhost::messaging::output_event(call, e);
  }

  void send(connhost::Call& call, const ch_send_request& r) {
    std::string token(connhost::to_sv(r.access_token));
    if (token.empty()) token = call.secret("access_token");
    if (token.empty()) throw Error::auth("no Meta access token to send with");
    meta::messaging::Outgoing m;
    m.sender = r.account_id.size ? std::string(connhost::to_sv(r.account_id))
                                 : (page_id_.empty() ? std::string("me") : page_id_);
    m.recipient = r.recipient_id.size ? std::string(connhost::to_sv(r.recipient_id))
                                      : std::string(connhost::to_sv(r.conversation_id));
    m.type = connhost::to_sv(r.type);
    m.text = connhost::to_sv(r.text);
    m.media = connhost::to_sv(r.media_id);
    m.reply_to = connhost::to_sv(r.reply_to_message_id);
    try {
      auto resp = call.http(meta::messaging::send_request(settings_, token, m));
      auto id = meta::messaging::parse_send(resp.status, resp.body, settings_);
      call.output("sent", {{"message_id", id}});
    } catch (const Error& e) {
      throw redacted(e, token);
    }
  }

  // Meta's attachments carry their URL already (section 3.3), so there is nothing to ask Graph.
  void media_url(connhost::Call& call, const ch_media_request& r) {
    auto url = connhost::to_sv(r.media_id);
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0)
      throw Error::data("Meta attachments are fetched by the URL their webhook carried; '" +
                        std::string(url.substr(0, 60)) + "' is not one");
    call.output("media", {{"url", url}, {"content_type", ""}});
  }

  void authorize_url(connhost::Call& call, const ch_authorize_request& r) {
    std::vector<std::string> scopes;
    std::string_view all = connhost::to_sv(r.scopes);
    for (size_t start = 0; start <= all.size();) {
      size_t nl = std::min(all.find('\n', start), all.size());
      if (nl > start) scopes.emplace_back(all.substr(start, nl - start));
      start = nl + 1;
    }
    call.output("authorize",
                {{"url", meta::login::dialog_url(
                             dialog_url_, app_id_, scopes, connhost::to_sv(r.redirect_uri),
                             connhost::to_sv(r.state), connhost::to_sv(r.code_challenge),
                             connhost::to_sv(r.code_challenge_method))}});
  }

  // Section 2.2 then 2.3: the code's token is exchanged at once for a long-lived one, which is
  // what gets stored.
  void exchange_code(connhost::Call& call, const ch_token_request& r) {
    auto secret = call.secret("app_secret");
    meta::login::Form form{{"client_id", app_id_},
                           {"client_secret", secret},
                           {"redirect_uri", std::string(connhost::to_sv(r.redirect_uri))},
                           {"code", std::string(connhost::to_sv(r.code))}};
    if (r.code_verifier.size)
      form.emplace_back("code_verifier", std::string(connhost::to_sv(r.code_verifier)));
    auto resp = call.http(meta::login::token_request(settings_, form));
    auto first = meta::login::parse_token(resp.status, resp.body, settings_, "oauth/access_token");
    output_long_lived(call, secret, first.access_token);
  }

  // No refresh grant exists (section 2): the long-lived exchange on the current token gives a new
  // 60-day token; an expired one cannot be exchanged (190/463: auth, log in again).
  void refresh(connhost::Call& call, const ch_token_request& r) {
    std::string_view token =
        r.access_token.size ? connhost::to_sv(r.access_token) : connhost::to_sv(r.refresh_token);
    if (token.empty()) throw Error::auth("no Meta token to extend: re-authorize the connection");
    output_long_lived(call, call.secret("app_secret"), token);
  }

  // Section 2.6: DELETE /me/permissions de-authorizes the app for the user.
  void revoke(connhost::Call& call, const ch_token_request& r) {
    auto resp = call.http(meta::login::bearer("DELETE",
                                              meta::login::graph_url(settings_, "/me/permissions"),
                                              connhost::to_sv(r.access_token)));
    meta::login::check_revoke(resp.status, resp.body, settings_);
  }

  void user_info(connhost::Call& call, const ch_token_request& r) {
    auto u = me(call, connhost::to_sv(r.access_token), "id,name,picture");
    call.output("user", {{"platform_user_id", u.id},
                         {"display_name", u.name},
                         {"avatar_url", u.picture_url},
                         {"email", u.email}});
  }

  // Profile: /me with id, name and picture, and email when the grant has the email scope
  // (meta.md §2.5). Then, with pages_show_list, the Pages the user manages and, with
  // instagram_basic too, their Instagram business accounts, one "business_profile" each
  // (meta_profile.hpp). Any failure fails the whole fetch: a partial list would read as
  // businesses the user no longer manages.
  void fetch(connhost::Call& call, const ch_profile_request& r) {
    std::vector<std::string> scopes;
    auto all = connhost::to_sv(r.scopes);
    for (size_t start = 0; start <= all.size();) {
      size_t nl = std::min(all.find('\n', start), all.size());
      if (nl > start) scopes.emplace_back(all.substr(start, nl - start));
      start = nl + 1;
    }
    bool email = std::find(scopes.begin(), scopes.end(), "email") != scopes.end();
    auto token = connhost::to_sv(r.access_token);
    auto u = me(call, token, email ? "id,name,picture,email" : "id,name,picture");
    std::vector<std::pair<std::string, std::string>> fields{
        {"platform_user_id", u.id}, {"display_name", u.name}, {"avatar_url", u.picture_url}};
    if (email && !u.email.empty()) fields.emplace_back("email", u.email);

    std::vector<meta::profile::Fields> businesses;
    auto reach = meta::profile::reach_of(scopes);
    if (reach.pages) {
      std::string url = meta::profile::pages_url(settings_, reach.instagram);
      // A user manages a handful of Pages; the bound only stops a pager that never ends.
      for (int page = 0; !url.empty(); ++page) {
        if (page >= 100) throw Error::data("me/accounts: more than 100 pages of Pages");
        auto resp = call.http(meta::login::bearer("GET", url, token));
        auto p = meta::profile::parse_pages(resp.status, resp.body, settings_);
        for (auto& b : p.businesses) businesses.push_back(std::move(b));
        url = std::move(p.next);
      }
    }
    call.output_fields("profile", fields);
    for (const auto& b : businesses) call.output_fields("business_profile", b);
  }

  // What fetch needs (ABI 1.2): /me's id, name and picture are public_profile's (meta-google.md
  // §2.1: always granted by the dialog). Pages and email only add to the profile.
  std::vector<std::string> required_scopes(connhost::Call&) { return {"public_profile"}; }

  void check(connhost::Call& call) {
    with_graph(call, [&](meta::Graph& g) {
      auto accounts = list_accounts(g, {});
      if (accounts.empty())
        throw Error::config(
            "the Meta token works but can read no ad account (/me/adaccounts is "
            "empty); grant it ads_read on an ad account or set ad_account_ids");
      call.info("Meta: token accepted; " + std::to_string(accounts.size()) +
                " ad account(s) readable");
    });
  }

  void read(connhost::Call& call, const connhost::ReadRequest& r) {
    with_graph(call, [&](meta::Graph& g) {
      if (r.stream == "accounts")
        read_accounts(call, g, r);
      else if (r.stream == "campaigns")
        read_campaigns(call, g, r);
      else if (r.stream == "campaign_daily")
        read_daily(call, g, r);
      else
        throw Error::config("the Meta connector has no stream '" + std::string(r.stream) + "'");
    });
  }

 private:
  static std::optional<std::string_view> header(const ch_webhook_request& r,
                                                std::string_view name) {
    for (size_t i = 0; i < r.header_count; ++i) {
      auto n = connhost::to_sv(r.headers[i].name);
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(),
                     [](char a, char b) { return (a | 0x20) == (b | 0x20); }))
        return connhost::to_sv(r.headers[i].value);
    }
    return std::nullopt;
  }

  template <class F>
  void with_graph(connhost::Call& call, F f) const {
    meta::Graph g(call, settings_, urls_);
    try {
      f(g);
    } catch (const Error& e) {
      throw redacted(e, g.loaded_token());
    }
  }

  meta::Account fetch_account(meta::Graph& g, const std::string& id) const {
    auto a = g.get(urls_.ad_account(id), "ad account act_" + id);
    auto account = meta::parse_account(a.body, a.trace_id);
    if (account.account_id != id)
      throw Error::data("Meta response (fbtrace_id " + a.trace_id + "): field 'account_id' is " +
                        account.account_id + ", expected " + id);
    return account;
  }

  // The account a request names, which must be one of the configured ones when there are any.
  std::string requested_account(std::string_view account) const {
    std::string id = account_arg(account);
    if (!settings_.account_ids.empty() &&
        std::find(settings_.account_ids.begin(), settings_.account_ids.end(), id) ==
            settings_.account_ids.end())
      throw Error::config("ad account " + id + " is not in the connection's ad_account_ids");
    return id;
  }

  // The accounts to read: one named by the request, the configured ones, or the token's own.
  std::vector<meta::Account> list_accounts(meta::Graph& g, std::string_view only) const {
    if (!only.empty()) return {fetch_account(g, requested_account(only))};
    std::vector<meta::Account> out;
    if (!settings_.account_ids.empty()) {
      for (const auto& id : settings_.account_ids) out.push_back(fetch_account(g, id));
      return out;
    }
    out = g.get_all<meta::Account>(urls_.ad_accounts(settings_.page_size), "ad account list",
                                   meta::parse_accounts_page);
    std::set<std::string> seen;
    std::erase_if(out, [&](const meta::Account& a) { return !seen.insert(a.account_id).second; });
    return out;
  }

  void read_accounts(connhost::Call& call, meta::Graph& g, const connhost::ReadRequest& r) const {
    for (const auto& a : list_accounts(g, r.account)) {
      auto row = call.row("accounts");
      row.str(ar::kAccountId, a.account_id)
          .str(ar::kAccountName, a.name)
          .str(ar::kAccountCurrency, a.currency)
          .str(ar::kAccountTimeZone, a.time_zone);
      if (a.status)
        row.str(ar::kAccountStatus, *a.status);
      else
        row.null(ar::kAccountStatus);
      row.end();
    }
    call.checkpoint("");
  }

  void read_campaigns(connhost::Call& call, meta::Graph& g, const connhost::ReadRequest& r) const {
    std::vector<std::string> ids;
    if (!r.account.empty())
      ids.push_back(requested_account(r.account));
    else
      for (const auto& a : list_accounts(g, {})) ids.push_back(a.account_id);
    for (const auto& id : ids) {
      // The notes document no status filter for /campaigns (section 1.2), so none is sent:
      // DELETED and ARCHIVED campaigns are kept exactly as far as Graph lists them.
      auto campaigns =
          g.get_all<meta::Campaign>(urls_.campaigns(id, settings_.page_size),
                                    "campaigns of act_" + id, meta::parse_campaigns_page);
      std::set<std::string> seen;
      for (const auto& c : campaigns)
        if (!seen.insert(c.id).second)
          throw Error::data("Meta campaigns of act_" + id + ": campaign " + c.id +
                            " was listed twice");
      for (const auto& c : campaigns) {
        auto row = call.row("campaigns");
        row.str(ar::kCampaignAccountId, id)
            .str(ar::kCampaignId, c.id)
            .str(ar::kCampaignName, c.name)
            .str(ar::kCampaignStatus, c.status);
        if (c.objective)
          row.str(ar::kCampaignObjective, *c.objective);
        else
          row.null(ar::kCampaignObjective);
        if (c.created_ms)
          row.i64(ar::kCampaignCreatedTime, *c.created_ms);
        else
          row.null(ar::kCampaignCreatedTime);
        if (c.updated_ms)
          row.i64(ar::kCampaignModifiedTime, *c.updated_ms);
        else
          row.null(ar::kCampaignModifiedTime);
        row.end();
      }
    }
    call.checkpoint("");
  }

  void read_daily(connhost::Call& call, meta::Graph& g, const connhost::ReadRequest& r) const {
    int64_t first = window_day(r.window_start, "start");
    int64_t last = window_day(r.window_end, "end");
    if (first > last)
      throw Error::config("the read window starts (" + std::string(r.window_start) +
                          ") after it ends (" + std::string(r.window_end) + ")");
    int64_t from = first;
    if (auto done = resume_after(r.state, r.window_start, r.window_end)) from = *done + 1;
    if (from > last) {
      call.checkpoint(r.state);
      return;
    }
    auto accounts = list_accounts(g, r.account);
    // Chunks are aligned to the window's end, not its start: the newest chunk_days are then one
    // request, read last. Those are the days Meta still restates (it settles over 28 days), so
    // the rows committed for them come from one answer rather than from two taken at different
    // moments, with conversions arriving in between.
    std::vector<Job> jobs;
    const int64_t cd = settings_.chunk_days;
    for (int64_t c0 = from, c1; c0 <= last; c0 = c1 + 1) {
      c1 = last - ((last - c0) / cd) * cd;
      for (size_t i = 0; i < accounts.size(); ++i)
        jobs.push_back({&accounts[i], c0, c1, i + 1 == accounts.size()});
    }
    auto finish = [&](const Job& j, const std::vector<meta::DailyRow>& rows) {
      emit_daily(call, *j.account, rows);
      if (j.closes_chunk) call.checkpoint(daily_state(r.window_start, r.window_end, j.c1));
    };
    // Async report runs for long windows (backfills), synchronous reads for short re-reads.
    if (last - first + 1 > settings_.async_after_days)
      read_async(call, g, jobs, finish);
    else
      for (const auto& j : jobs) finish(j, chunk_sync(g, j.account->account_id, j.c0, j.c1));
  }

  // One chunk of one account; the last account's job of a chunk is followed by its checkpoint.
  struct Job {
    const meta::Account* account;
    int64_t c0, c1;
    bool closes_chunk;
  };

  // A report run started and not yet read.
  struct Pending {
    const Job* job;
    std::string run_id;
    std::string what;
    int64_t deadline_ms;
    bool complete = false;
  };

  std::vector<meta::DailyRow> chunk_sync(meta::Graph& g, const std::string& id, int64_t c0,
                                         int64_t c1) const {
    auto parse = [&](std::string_view body, std::string_view rid) {
      return meta::parse_insights_page(body, rid, settings_.purchase_types, c0, c1);
    };
    return g.get_all<meta::DailyRow>(
        urls_.insights(id, meta::day_text(c0), meta::day_text(c1), settings_.page_size),
        "insights of act_" + id, parse);
  }

  // Keeps up to async_concurrent_runs report runs in flight (Meta runs them in parallel on its
  // side) and reads them in job order, so the checkpoints stay in order and memory stays one
  // chunk: waiting on one run no longer idles the connection for the whole poll backoff. Runs
  // still in flight when the read stops are abandoned; Graph discards them.
  template <class Finish>
  void read_async(connhost::Call& call, meta::Graph& g, const std::vector<Job>& jobs,
                  Finish& finish) const {
    std::deque<Pending> flight;
    size_t next = 0;
    auto delay = settings_.async_poll_initial;
    while (next < jobs.size() || !flight.empty()) {
      while (next < jobs.size() && flight.size() < size_t(settings_.async_concurrent_runs))
        flight.push_back(start_run(call, g, jobs[next++]));
      for (auto& p : flight)
        if (!p.complete) p.complete = poll_run(call, g, p, delay);
      if (flight.front().complete) {
        const Pending& p = flight.front();
        finish(*p.job, run_rows(g, p));
        flight.pop_front();
        delay = settings_.async_poll_initial;
        continue;
      }
      std::this_thread::sleep_for(delay);
      delay = std::min(settings_.async_poll_max, delay * 2);
    }
  }

  Pending start_run(connhost::Call& call, meta::Graph& g, const Job& j) const {
    const std::string& id = j.account->account_id;
    std::string what =
        "async insights of act_" + id + " " + meta::day_text(j.c0) + ".." + meta::day_text(j.c1);
    auto started = g.post_json(
        urls_.insights_async(id),
        meta::Urls::insights_async_body(meta::day_text(j.c0), meta::day_text(j.c1)), what);
    std::string run_id = meta::parse_report_run_id(started.body, started.trace_id);
    what += " (report run " + run_id + ")";
    return {&j, std::move(run_id), std::move(what),
            call.now_ms() + settings_.async_timeout.count()};
  }

  // True once the run has completed; throws when it failed or ran past async_timeout_s.
  bool poll_run(connhost::Call& call, meta::Graph& g, const Pending& p,
                std::chrono::milliseconds next_wait) const {
    auto a = g.get(urls_.report_run(p.run_id), p.what);
    auto run = meta::parse_report_run(a.body, a.trace_id);
    if (run.async_status == "Job Completed") return true;
    if (run.async_status == "Job Failed" || run.async_status == "Job Skipped")
      throw meta::report_run_failed(run, a.trace_id, g.usage(), settings_.usage_stop_pct,
                                    settings_.throttle_default_retry, p.what);
    if (run.async_status != "Job Not Started" && run.async_status != "Job Started" &&
        run.async_status != "Job Running")
      throw Error::data("Meta response (fbtrace_id " + a.trace_id +
                        "): field 'async_status' has an unknown value '" +
                        run.async_status.substr(0, 40) + "'");
    if (call.now_ms() + next_wait.count() > p.deadline_ms)
      throw Error::transient("Meta " + p.what + ": not completed after " +
                             std::to_string(settings_.async_timeout.count() / 1000) +
                             " s (last status '" + run.async_status + "', " +
                             std::to_string(run.percent) + "%); the chunk will be asked again");
    return false;
  }

  std::vector<meta::DailyRow> run_rows(meta::Graph& g, const Pending& p) const {
    auto parse = [&](std::string_view body, std::string_view rid) {
      return meta::parse_insights_page(body, rid, settings_.purchase_types, p.job->c0, p.job->c1);
    };
    return g.get_all<meta::DailyRow>(urls_.report_run_insights(p.run_id, settings_.page_size),
                                     p.what, parse);
  }

  // A chunk's rows, checked as a whole before the first one is emitted.
  void emit_daily(connhost::Call& call, const meta::Account& a,
                  const std::vector<meta::DailyRow>& rows) const {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const auto& d : rows) {
      if (!seen.emplace(d.date, d.campaign_id).second)
        throw Error::data("Meta insights of act_" + a.account_id + ": campaign " + d.campaign_id +
                          " has two rows for " + d.date);
      if (d.currency && *d.currency != a.currency)
        throw Error::data("Meta insights of act_" + a.account_id +
                          ": field 'account_currency' is " + *d.currency +
                          " but the account's currency is " + a.currency);
    }
    for (const auto& d : rows) {
      auto row = call.row("campaign_daily");
      row.str(ar::kDailyAccountId, a.account_id)
          .str(ar::kDailyDate, d.date)
          .str(ar::kDailyCampaignId, d.campaign_id)
          .i64(ar::kDailySpend, d.spend_micros)
          .i64(ar::kDailyImpressions, d.impressions)
          .i64(ar::kDailyClicks, d.clicks);
      if (d.link_clicks)
        row.i64(ar::kDailyLinkClicks, *d.link_clicks);
      else
        row.null(ar::kDailyLinkClicks);
      row.f64(ar::kDailyPurchases, d.purchases)
          .i64(ar::kDailyPurchaseValue, d.purchase_value_micros)
          .str(ar::kDailyCurrency, a.currency)
          .end();
    }
  }

  // Section 2.5: the app-scoped user id and profile of the token's user.
  meta::login::User me(connhost::Call& call, std::string_view token, std::string_view fields) {
    if (token.empty()) throw Error::auth("no Meta access token: re-authorize the connection");
    auto resp = call.http(meta::login::bearer(
        "GET", meta::login::graph_url(settings_, "/me?fields=" + std::string(fields)), token));
    return meta::login::parse_me(resp.status, resp.body, settings_);
  }

  // Section 2.3, then debug_token (2.4) for what the new token is: its expiry, its granted
  // scopes and the user it belongs to, as Meta records them rather than as the exchange
  // answer rounds them (https://developers.facebook.com/docs/graph-api/reference/debug_token).
  void output_long_lived(connhost::Call& call, std::string_view secret, std::string_view token) {
    auto resp = call.http(
        meta::login::token_request(settings_, {{"grant_type", "fb_exchange_token"},
                                               {"client_id", app_id_},
                                               {"client_secret", std::string(secret)},
                                               {"fb_exchange_token", std::string(token)}}));
    auto t = meta::login::parse_token(resp.status, resp.body, settings_, "oauth/access_token");
    // §2.3: "{app-id}|{app-secret}" is itself an app access token.
    auto info_resp = call.http(meta::login::debug_token_request(
        settings_, t.access_token, app_id_ + "|" + std::string(secret)));
    auto info = meta::login::parse_debug_token(info_resp.status, info_resp.body, settings_);
    std::optional<int64_t> expires_in = t.expires_in;
    // §2.4: expires_at 0 means the token never expires: no expires_in at all.
    if (info.expires_at)
      expires_in = *info.expires_at == 0 ? std::nullopt
                                         : std::optional<int64_t>(std::max<int64_t>(
                                               0, *info.expires_at - call.now_ms() / 1000));
    std::string user_id = info.user_id;
    if (user_id.empty()) user_id = me(call, t.access_token, "id").id;  // a token without a user
    call.output("token", {{"access_token", t.access_token},
                          {"expires_in", expires_in ? std::to_string(*expires_in) : ""},
                          {"scope", info.scopes},
                          {"token_type", t.token_type},
                          {"platform_user_id", user_id}});
  }

  const meta::Settings settings_;
  const meta::Urls urls_;
  const std::string app_id_;
  const std::string dialog_url_;
  const std::string page_id_;
};

}  // namespace

CONNHOST_CONNECTOR(MetaConnector)
