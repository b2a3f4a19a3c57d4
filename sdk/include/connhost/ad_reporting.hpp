// The standard ad-reporting streams. Connectors that offer campaign reporting declare these three
// streams with exactly these columns, so the host can fold every platform into one unified view.
// A connector may declare further streams of its own next to them.
//
// How the host reads them:
// - `accounts` first, with an empty ReadRequest::account: every account the connection can read
//   (from the token where the platform can list them, else from the connection's settings).
// - then `campaigns` and `campaign_daily` once per account (ReadRequest::account set), possibly
//   in parallel, over the window the pipeline chose (a backfill, or the platform's settling
//   window re-read on every run so restated days are picked up).
// - State: `campaign_daily` checkpoints after each chunk of days it completed, with a state of
//   the form "<window_start>..<window_end>@<last_completed_day>". A read whose window differs
//   from the state's ignores the state and starts at the window's beginning; a read of the same
//   window resumes after the last completed day (an interrupted backfill). `accounts` and
//   `campaigns` are read whole and checkpoint an empty state at the end.
#pragma once

#include <connhost/connector.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace connhost::ad_reporting {

// Column indexes, in declaration order: for Call::Row setters.
enum AccountColumn : uint32_t {
  kAccountId,
  kAccountName,
  kAccountCurrency,
  kAccountTimeZone,
  kAccountStatus,
};

inline constexpr ch_column_def kAccountColumns[] = {
    column("account_id", CH_COL_STRING, CH_COLUMN_PRIMARY_KEY,
           "as the platform writes it, without prefixes such as act_"),
    column("name", CH_COL_STRING),
    column("currency", CH_COL_STRING, 0, "ISO 4217 code of the account's money"),
    column("time_zone", CH_COL_STRING, 0, "IANA name; the account's days are in this zone"),
    column("status", CH_COL_STRING, CH_COLUMN_NULLABLE, "the platform's account status"),
};

enum CampaignColumn : uint32_t {
  kCampaignAccountId,
  kCampaignId,
  kCampaignName,
  kCampaignStatus,
  kCampaignObjective,
  kCampaignCreatedTime,
  kCampaignModifiedTime,
};

inline constexpr ch_column_def kCampaignColumns[] = {
    column("account_id", CH_COL_STRING, CH_COLUMN_PRIMARY_KEY,
           "ad account, as the platform writes it"),
    column("campaign_id", CH_COL_STRING, CH_COLUMN_PRIMARY_KEY),
    column("name", CH_COL_STRING),
    column("status", CH_COL_STRING, 0, "the platform's status value, e.g. ACTIVE, PAUSED, DELETED"),
    column("objective", CH_COL_STRING, CH_COLUMN_NULLABLE,
           "objective (Meta, TikTok) or advertising channel type (Google)"),
    column("created_time", CH_COL_TIMESTAMP, CH_COLUMN_NULLABLE),
    column("modified_time", CH_COL_TIMESTAMP, CH_COLUMN_NULLABLE | CH_COLUMN_CURSOR),
};

enum DailyColumn : uint32_t {
  kDailyAccountId,
  kDailyDate,
  kDailyCampaignId,
  kDailySpend,
  kDailyImpressions,
  kDailyClicks,
  kDailyLinkClicks,
  kDailyPurchases,
  kDailyPurchaseValue,
  kDailyCurrency,
};

inline constexpr ch_column_def kDailyColumns[] = {
    column("account_id", CH_COL_STRING, CH_COLUMN_PRIMARY_KEY),
    column("date", CH_COL_DATE, CH_COLUMN_PRIMARY_KEY | CH_COLUMN_CURSOR,
           "the account-local day, as the platform reports it"),
    column("campaign_id", CH_COL_STRING, CH_COLUMN_PRIMARY_KEY),
    column("spend", CH_COL_MONEY, 0, "micros of the row's currency"),
    column("impressions", CH_COL_INT64),
    column("clicks", CH_COL_INT64),
    column("link_clicks", CH_COL_INT64, CH_COLUMN_NULLABLE, "where the platform has them"),
    column("purchases", CH_COL_DOUBLE, 0, "Google reports fractional conversions"),
    column("purchase_value", CH_COL_MONEY, 0, "micros of the row's currency"),
    column("currency", CH_COL_STRING, 0, "ISO 4217 code of spend and purchase_value"),
};

inline constexpr ch_stream_def kStreams[] = {
    stream("accounts", kAccountColumns, "ad accounts with currency and time zone"),
    stream("campaigns", kCampaignColumns, "campaigns with their status and objective"),
    stream("campaign_daily", kDailyColumns, "performance per campaign and account-local day"),
};

// The campaign_daily state contract (see the top of this file), written and read the same way
// by every connector.
inline std::string daily_state(std::string_view window_start, std::string_view window_end,
                               std::string_view last_completed_day) {
  std::string s;
  s.reserve(window_start.size() + window_end.size() + last_completed_day.size() + 3);
  s.append(window_start).append("..").append(window_end).append("@").append(last_completed_day);
  return s;
}

// The last completed day a state records, when the state was written for exactly this window
// and that day is a YYYY-MM-DD inside it; nothing otherwise, which means "start at the window's
// beginning" (another window, or a state that this contract did not write). ISO dates compare
// as text.
inline std::optional<std::string_view> daily_state_last_day(std::string_view state,
                                                            std::string_view window_start,
                                                            std::string_view window_end) {
  auto iso_date = [](std::string_view d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
      if (d[i] < '0' || d[i] > '9') return false;
    return true;
  };
  if (state.size() != 33 || state.substr(10, 2) != ".." || state[22] != '@') return std::nullopt;
  std::string_view last = state.substr(23);
  if (state.substr(0, 10) != window_start || state.substr(12, 10) != window_end ||
      !iso_date(last) || last < window_start || last > window_end)
    return std::nullopt;
  return last;
}

}  // namespace connhost::ad_reporting
