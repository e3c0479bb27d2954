// libnetcdf: NetCDF-3 (classic and 64-bit offset) and NetCDF-4 files.
#include <netcdf.h>
