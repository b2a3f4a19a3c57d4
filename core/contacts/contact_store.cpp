#include "contacts/contact_store.hpp"
