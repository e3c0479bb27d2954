// libhdf5 (hdf5.pc adds the serial include directory).
#include <hdf5.h>

// HDF5's type and property "constants" are function-like macros that expand to calls
// (for example (H5OPEN H5T_NATIVE_FLOAT_g)); Swift cannot import those, so each one used
// from Swift gets a small inline wrapper here.
static inline hid_t    lss_H5T_NATIVE_FLOAT(void)  { return H5T_NATIVE_FLOAT; }
static inline hid_t    lss_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t    lss_H5T_NATIVE_INT(void)    { return H5T_NATIVE_INT; }
static inline hid_t    lss_H5T_NATIVE_LLONG(void)  { return H5T_NATIVE_LLONG; }
static inline hid_t    lss_H5T_C_S1(void)          { return H5T_C_S1; }
static inline hid_t    lss_H5P_DEFAULT(void)       { return H5P_DEFAULT; }
static inline hid_t    lss_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t    lss_H5S_ALL(void)           { return H5S_ALL; }
static inline unsigned lss_H5F_ACC_TRUNC(void)     { return H5F_ACC_TRUNC; }
static inline unsigned lss_H5F_ACC_RDONLY(void)    { return H5F_ACC_RDONLY; }
static inline unsigned lss_H5F_ACC_RDWR(void)      { return H5F_ACC_RDWR; }
static inline hsize_t  lss_H5S_UNLIMITED(void)     { return H5S_UNLIMITED; }

// Added for the MDTraj HDF5 reader and writer (Sources/Trajectories/Formats/HDF5).
static inline hid_t    lss_H5P_DATASET_ACCESS(void) { return H5P_DATASET_ACCESS; }
static inline hid_t    lss_H5E_DEFAULT(void)        { return H5E_DEFAULT; }
static inline size_t   lss_H5T_VARIABLE(void)       { return H5T_VARIABLE; }
