/* libfoil umbrella header: #include <foil.h> or <foil/foil.h>. */
#include "foil/foil.h"
