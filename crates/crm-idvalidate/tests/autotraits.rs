//! Every public type can be shared across threads (a service keeps one validator for all
//! requests) and printed.

use crm_idvalidate::*;

fn assert_send_sync<T: Send + Sync + std::fmt::Debug>() {}

#[test]
fn public_types_are_send_sync_and_debug() {
    assert_send_sync::<BatchResult>();
    assert_send_sync::<BirthDate>();
    assert_send_sync::<BirthplaceMatcher>();
    assert_send_sync::<Code>();
    assert_send_sync::<District>();
    assert_send_sync::<DistrictCode>();
    assert_send_sync::<Field>();
    assert_send_sync::<Finding>();
    assert_send_sync::<Gender>();
    assert_send_sync::<Historical>();
    assert_send_sync::<Kk>();
    assert_send_sync::<KkCheck>();
    assert_send_sync::<MatchKind>();
    assert_send_sync::<NameCheck>();
    assert_send_sync::<Nik>();
    assert_send_sync::<NikCheck>();
    assert_send_sync::<ParseError>();
    assert_send_sync::<Place>();
    assert_send_sync::<PlaceLevel>();
    assert_send_sync::<PlaceMatch>();
    assert_send_sync::<Province>();
    assert_send_sync::<Record<'static>>();
    assert_send_sync::<RecordResult>();
    assert_send_sync::<RecordValidator>();
    assert_send_sync::<Regency>();
    assert_send_sync::<RegencyCode>();
    assert_send_sync::<Region>();
    assert_send_sync::<Severity>();
    assert_send_sync::<Status>();
    assert_send_sync::<Summary>();
    assert_send_sync::<UnknownCode>();
}
