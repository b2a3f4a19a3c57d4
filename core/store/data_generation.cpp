#include "store/data_generation.hpp"

#include <soci/soci.h>

#include "store/dynamic_query.hpp"

namespace connhost::store {

void bump_data_generation(soci::session& sql) {
  sql << "UPDATE data_generation SET n = n + 1 WHERE id = 1";
}

int64_t data_generation(soci::session& sql) {
  DynamicQuery q;
  q.sql("SELECT n FROM data_generation WHERE id = 1");
  return q.scalar_int(sql);
}

}  // namespace connhost::store
