#include "contacts/contact_query.hpp"
