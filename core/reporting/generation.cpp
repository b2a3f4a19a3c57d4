#include "reporting/generation.hpp"

#include <soci/soci.h>

#include "store/dynamic_query.hpp"

namespace connhost::reporting {

std::string data_generation(soci::session& sql) {
  store::DynamicQuery q;
  // Timestamps are cast to text: the backends hand them back as different C++ types.
  q.sql(
      "SELECT (SELECT CAST(COUNT(*) AS BIGINT) FROM sync_runs), "
      "(SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM sync_runs), "
      "(SELECT COALESCE(CAST(MAX(finished_at) AS TEXT), '') FROM sync_runs), "
      "(SELECT COALESCE(CAST(MAX(heartbeat_at) AS TEXT), '') FROM sync_runs), "
      "(SELECT CAST(COUNT(*) AS BIGINT) FROM category_rules), "
      "(SELECT COALESCE(CAST(MAX(updated_at) AS TEXT), '') FROM category_rules), "
      "(SELECT CAST(COUNT(*) AS BIGINT) FROM category_overrides), "
      "(SELECT COALESCE(CAST(MAX(updated_at) AS TEXT), '') FROM category_overrides), "
      "(SELECT CAST(COUNT(*) AS BIGINT) FROM fx_rates)");
  std::string out;
  q.each(sql, [&](const soci::row& r) {
    for (size_t i = 0; i < 9; ++i) out += store::text_at(r, i) + "|";
  });
  return out;
}

}  // namespace connhost::reporting
