#include "pipeline/stream_writer.hpp"

#include <stdexcept>

#include "store/data_generation.hpp"
#include "store/session.hpp"

namespace connhost::pipeline {
namespace {

std::string_view view(ch_str s) {
  return s.data ? std::string_view(s.data, s.size) : "";
}

const std::string& text(const plugin::Row& r, size_t i) {
  return std::get<std::string>(r.values[i]);
}
long long integer(const plugin::Row& r, size_t i) {
  return static_cast<long long>(std::get<int64_t>(r.values[i]));
}
// A nullable int64 column: the value and its SOCI indicator.
std::pair<long long, soci::indicator> maybe_integer(const plugin::Row& r, std::optional<size_t> i) {
  if (!i || std::holds_alternative<std::monostate>(r.values[*i])) return {0, soci::i_null};
  return {static_cast<long long>(std::get<int64_t>(r.values[*i])), soci::i_ok};
}
std::pair<std::string, soci::indicator> maybe_text(const plugin::Row& r, std::optional<size_t> i) {
  if (!i || std::holds_alternative<std::monostate>(r.values[*i])) return {"", soci::i_null};
  return {std::get<std::string>(r.values[*i]), soci::i_ok};
}

void save_state(soci::session& sql, const StreamTarget& t, std::string_view state) {
  std::string connection = t.connection, stream(view(t.stream->name)), account = t.account,
              value(state);
  sql << "INSERT INTO stream_state (connection, stream, account, state) VALUES (:c, :s, :a, :v) "
         "ON CONFLICT (connection, stream, account) DO UPDATE SET state = excluded.state, "
         "updated_at = excluded.updated_at",
      soci::use(connection), soci::use(stream), soci::use(account), soci::use(value);
}

}  // namespace

StreamWriter::StreamWriter(store::Store& store, std::mutex& store_mutex, StreamTarget target)
    : store_(store), mutex_(store_mutex), target_(std::move(target)) {
  for (size_t i = 0; i < target_.stream->column_count; ++i)
    columns_.emplace(std::string(view(target_.stream->columns[i].name)), i);
  auto name = view(target_.stream->name);
  if (name != "accounts" && name != "campaigns" && name != "campaign_daily")
    throw std::invalid_argument("the store has no table for stream '" + std::string(name) + "'");
}

std::optional<size_t> StreamWriter::column(std::string_view name) const {
  auto it = columns_.find(name);
  if (it == columns_.end()) return std::nullopt;
  return it->second;
}

size_t StreamWriter::required(std::string_view name) const {
  auto c = column(name);
  if (!c)
    throw std::invalid_argument("stream '" + std::string(view(target_.stream->name)) +
                                "' lacks column '" + std::string(name) + "'");
  return *c;
}

void StreamWriter::commit(std::vector<plugin::Row>& rows, std::string_view state) {
  std::lock_guard lock(mutex_);
  soci::session& sql = store_.session();
  soci::transaction tx(sql);
  auto name = view(target_.stream->name);
  std::string platform = target_.platform;
  if (name == "accounts") {
    size_t c_id = required("account_id"), c_name = required("name"), c_cur = required("currency"),
           c_tz = required("time_zone");
    auto c_status = column("status");
    std::string connection = target_.connection, id, acc_name, currency, tz, status;
    soci::indicator status_ind = soci::i_null;
    soci::statement st =
        (sql.prepare
             << "INSERT INTO ad_accounts (platform, account_id, connection, name, currency, "
                "time_zone, status) VALUES (:p, :a, :c, :n, :cur, :tz, :st) "
                "ON CONFLICT (platform, account_id) DO UPDATE SET connection = "
                "excluded.connection, name = excluded.name, currency = excluded.currency, "
                "time_zone = excluded.time_zone, status = excluded.status",
         soci::use(platform), soci::use(id), soci::use(connection), soci::use(acc_name),
         soci::use(currency), soci::use(tz), soci::use(status, status_ind));
    for (const auto& r : rows) {
      id = text(r, c_id), acc_name = text(r, c_name), currency = text(r, c_cur), tz = text(r, c_tz);
      std::tie(status, status_ind) = maybe_text(r, c_status);
      st.execute(true);
    }
  } else if (name == "campaigns") {
    size_t c_acc = required("account_id"), c_id = required("campaign_id"),
           c_name = required("name"), c_status = required("status");
    auto c_obj = column("objective"), c_created = column("created_time"),
         c_modified = column("modified_time");
    std::string account, id, camp_name, status, objective;
    long long created = 0, modified = 0;
    soci::indicator obj_ind = soci::i_null, created_ind = soci::i_null, modified_ind = soci::i_null;
    soci::statement st =
        (sql.prepare
             << "INSERT INTO ad_campaigns (platform, account_id, campaign_id, name, status, "
                "objective, created_time, modified_time) VALUES (:p, :a, :c, :n, :s, :o, "
                ":ct, :mt) ON CONFLICT (platform, account_id, campaign_id) DO UPDATE SET "
                "name = excluded.name, status = excluded.status, objective = "
                "excluded.objective, created_time = excluded.created_time, modified_time = "
                "excluded.modified_time",
         soci::use(platform), soci::use(account), soci::use(id), soci::use(camp_name),
         soci::use(status), soci::use(objective, obj_ind), soci::use(created, created_ind),
         soci::use(modified, modified_ind));
    for (const auto& r : rows) {
      account = text(r, c_acc), id = text(r, c_id), camp_name = text(r, c_name),
      status = text(r, c_status);
      std::tie(objective, obj_ind) = maybe_text(r, c_obj);
      std::tie(created, created_ind) = maybe_integer(r, c_created);
      std::tie(modified, modified_ind) = maybe_integer(r, c_modified);
      st.execute(true);
    }
  } else {
    size_t c_acc = required("account_id"), c_date = required("date"),
           c_id = required("campaign_id"), c_spend = required("spend"),
           c_impr = required("impressions"), c_clicks = required("clicks"),
           c_purch = required("purchases"), c_value = required("purchase_value"),
           c_cur = required("currency");
    auto c_link = column("link_clicks");
    std::string account, date, id, currency;
    long long spend = 0, impressions = 0, clicks = 0, link = 0, value = 0;
    double purchases = 0;
    int is_final = 0;
    soci::indicator link_ind = soci::i_null;
    soci::statement st =
        (sql.prepare << "INSERT INTO campaign_daily (platform, account_id, campaign_id, date, "
                        "currency, spend_micros, impressions, clicks, link_clicks, purchases, "
                        "purchase_value_micros, is_final) VALUES (:p, :a, :c, :d, :cur, :s, :i, "
                        ":cl, :lc, :pu, :v, :f) ON CONFLICT (platform, account_id, campaign_id, "
                        "date) DO UPDATE SET currency = excluded.currency, spend_micros = "
                        "excluded.spend_micros, impressions = excluded.impressions, clicks = "
                        "excluded.clicks, link_clicks = excluded.link_clicks, purchases = "
                        "excluded.purchases, purchase_value_micros = "
                        "excluded.purchase_value_micros, is_final = excluded.is_final",
         soci::use(platform), soci::use(account), soci::use(id), soci::use(date),
         soci::use(currency), soci::use(spend), soci::use(impressions), soci::use(clicks),
         soci::use(link, link_ind), soci::use(purchases), soci::use(value), soci::use(is_final));
    for (const auto& r : rows) {
      account = text(r, c_acc), date = text(r, c_date), id = text(r, c_id),
      currency = text(r, c_cur);
      spend = integer(r, c_spend), impressions = integer(r, c_impr), clicks = integer(r, c_clicks);
      value = integer(r, c_value);
      purchases = std::get<double>(r.values[c_purch]);
      std::tie(link, link_ind) = maybe_integer(r, c_link);
      is_final = !target_.final_before.empty() && date < target_.final_before ? 1 : 0;
      st.execute(true);
    }
  }
  save_state(sql, target_, state);
  if (!rows.empty()) store::bump_data_generation(sql);
  tx.commit();
  rows_written_ += static_cast<int64_t>(rows.size());
}

std::string load_state(store::Store& store, std::mutex& store_mutex, std::string_view connection,
                       std::string_view stream, std::string_view account) {
  std::lock_guard lock(store_mutex);
  std::string c(connection), s(stream), a(account), state;
  soci::indicator ind = soci::i_null;
  store.session() << "SELECT state FROM stream_state WHERE connection = :c AND stream = :s AND "
                     "account = :a",
      soci::into(state, ind), soci::use(c), soci::use(s), soci::use(a);
  return store.session().got_data() && ind == soci::i_ok ? state : std::string();
}

}  // namespace connhost::pipeline
