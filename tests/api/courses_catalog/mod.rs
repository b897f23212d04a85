//! The course catalog through the HTTP stack: the first-start import of the seed catalog, listing
//! and filtering, course outlines without answer keys, lessons, importing and exporting courses
//! over HTTP, and the `caravan courses import|export` round trip.

mod cli;
mod export;
mod import;
mod import_refusals;
mod listing;
mod outline;
