#include "reporting/generation.hpp"

#include "store/data_generation.hpp"

namespace connhost::reporting {

std::string data_generation(soci::session& sql) {
  return std::to_string(store::data_generation(sql));
}

}  // namespace connhost::reporting
