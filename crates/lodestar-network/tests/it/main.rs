//! The integration tests of the network, one module per area.

mod brute;
