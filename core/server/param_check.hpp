#pragma once

#include "server/router.hpp"

namespace connhost::server {

// Checks a request's query string against what its route declares: required parameters present,
// values of the declared type, within choices and bounds. Throws BadParameter for the first
// parameter that fails. Undeclared parameters are left alone (a browser's cache buster must not
// break a call).
void check_query(const Route& route, const Request& request);

}  // namespace connhost::server
