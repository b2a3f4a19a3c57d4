// Asio and Beast compiled once for the whole project (their separate-compilation modes): every
// other file that uses them sees only declarations, which keeps 2-core builds short.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
