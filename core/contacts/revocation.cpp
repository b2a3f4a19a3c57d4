#include "contacts/revocation.hpp"
