#include "contacts/csv_export.hpp"
