#include "vault/consent_log.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <stdexcept>

#include "store/dynamic_query.hpp"
#include "store/timestamp.hpp"

namespace connhost::vault {
namespace {

std::optional<ConsentEvent> parse_event(std::string_view text) {
  for (auto e : {ConsentEvent::granted, ConsentEvent::changed, ConsentEvent::revoked})
    if (to_string(e) == text) return e;
  return std::nullopt;
}

// The scopes as a sorted set. TikTok writes "a,b", Google "a b", Meta either, and a platform may
// answer a refresh with the same scopes in another order: none of that is a change of consent.
std::vector<std::string> scope_set(std::string_view scopes) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= scopes.size(); ++i) {
    if (i < scopes.size() && scopes[i] != ',' && scopes[i] != ' ') continue;
    if (i > start) out.emplace_back(scopes.substr(start, i - start));
    start = i + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

std::string_view to_string(ConsentEvent event) {
  switch (event) {
    case ConsentEvent::granted:
      return "granted";
    case ConsentEvent::changed:
      return "changed";
    case ConsentEvent::revoked:
      return "revoked";
  }
  return "granted";
}

bool same_scopes(std::string_view a, std::string_view b) {
  return scope_set(a) == scope_set(b);
}

void record_consent(soci::session& sql, const ConsentRecord& r) {
  if (r.source.empty()) throw std::invalid_argument("a consent log entry needs its source");
  long long grant = r.grant_id;
  std::string event(to_string(r.event)), now = store::now_timestamp();
  std::string previous = r.previous_scopes.value_or(""), detail = r.detail.value_or("");
  soci::indicator previous_ind = r.previous_scopes ? soci::i_ok : soci::i_null,
                  detail_ind = r.detail ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO consent_log (grant_id, connection, event, scopes, previous_scopes, source, "
         "detail, at) VALUES (:g, :c, :e, :s, :p, :so, :d, :t)",
      soci::use(grant), soci::use(r.connection), soci::use(event), soci::use(r.scopes),
      soci::use(previous, previous_ind), soci::use(r.source), soci::use(detail, detail_ind),
      soci::use(now);
}

std::vector<ConsentEntry> consent_log(soci::session& sql, int64_t grant_id) {
  store::DynamicQuery q;
  q.sql("SELECT id, grant_id, connection, event, scopes, previous_scopes, source, detail, " +
        store::timestamp_column(sql, "at") + " FROM consent_log WHERE grant_id = ")
      .bind(std::to_string(grant_id))
      .sql(" ORDER BY id");
  std::vector<ConsentEntry> out;
  q.each(sql, [&](const soci::row& row) {
    ConsentEntry e;
    e.id = store::int_at(row, 0);
    e.record.grant_id = store::int_at(row, 1);
    e.record.connection = store::text_at(row, 2);
    auto event = store::text_at(row, 3);
    auto parsed = parse_event(event);
    if (!parsed)
      throw std::runtime_error("consent log entry " + std::to_string(e.id) +
                               " has an unknown event \"" + event + "\"");
    e.record.event = *parsed;
    e.record.scopes = store::text_at(row, 4);
    e.record.previous_scopes = store::nullable_text_at(row, 5);
    e.record.source = store::text_at(row, 6);
    e.record.detail = store::nullable_text_at(row, 7);
    e.at = store::text_at(row, 8);
    out.push_back(std::move(e));
  });
  return out;
}

}  // namespace connhost::vault
