"""Interop suite: a Python client, with stubs generated from proto/ by grpcio-tools at test time,
calls every RPC of a running server and checks the answers.

Environment: ACTORGRAPH_ADDRESS (host:port of the server), ACTORGRAPH_STUBS (the folder the
stubs were generated into).
"""

import os
import sys

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

sys.path.insert(0, os.environ["ACTORGRAPH_STUBS"])

from actorgraph.v1 import corpus_pb2, corpus_pb2_grpc  # noqa: E402
from actorgraph.v1 import extraction_pb2, extraction_pb2_grpc  # noqa: E402
from actorgraph.v1 import knowledge_pb2, knowledge_pb2_grpc  # noqa: E402
from actorgraph.v1 import types_pb2  # noqa: E402

ADDRESS = os.environ["ACTORGRAPH_ADDRESS"]


@pytest.fixture(scope="module")
def channel():
    with grpc.insecure_channel(ADDRESS) as channel:
        grpc.channel_ready_future(channel).result(timeout=10)
        yield channel


@pytest.fixture(scope="module")
def knowledge(channel):
    return knowledge_pb2_grpc.KnowledgeServiceStub(channel)


@pytest.fixture(scope="module")
def extraction(channel):
    return extraction_pb2_grpc.ExtractionServiceStub(channel)


@pytest.fixture(scope="module")
def corpus(channel):
    return corpus_pb2_grpc.CorpusServiceStub(channel)


def details(error):
    """The ErrorInfo and BadRequest of a failed call."""
    status = rpc_status.from_call(error)
    assert status is not None, "the error carries google.rpc.Status details"
    info, bad_request = None, None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
    assert info is not None, "every error has an ErrorInfo"
    return info, bad_request


def test_extract_offsets_slice_python_and_javascript_strings(extraction):
    text = "🇹🇷 Türkiye’s İbrahim Kalın met Haftar 😀 in Tripoli; Ankara’s envoy agreed."
    answer = extraction.ExtractEntities(extraction_pb2.ExtractEntitiesRequest(text=text))
    assert [m.entity_id for m in answer.mentions] == ["turkiye", "ibrahim-kalin", "khalifa-haftar", "tripoli", "ankara"]
    utf16 = text.encode("utf-16-le")
    utf8 = text.encode("utf-8")
    for mention in answer.mentions:
        span = mention.span
        assert text[span.char_start:span.char_end] == mention.text
        assert utf16[2 * span.utf16_start:2 * span.utf16_end].decode("utf-16-le") == mention.text
        assert utf8[span.byte_start:span.byte_end].decode("utf-8") == mention.text
    # Code points and UTF-16 units differ after the emoji: the flag is 2 code points, 4 units.
    haftar = answer.mentions[2].span
    assert haftar.utf16_start == haftar.char_start + 2
    assert answer.mentions[4].metonym_for.id == "turkiye"


def test_extract_options_and_limits(extraction):
    answer = extraction.ExtractEntities(extraction_pb2.ExtractEntitiesRequest(
        text="The Libyan National Army and NATO met.", include_nested=True))
    assert [(m.text, m.nested) for m in answer.mentions] == [
        ("Libyan National Army", False), ("Libyan", True), ("NATO", False)]
    assert answer.mentions[2].entity_id == "nato"  # an organisation of the world layer
    with pytest.raises(grpc.RpcError) as raised:
        extraction.ExtractEntities(extraction_pb2.ExtractEntitiesRequest(text="Libya", min_confidence=2.0))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    info, bad_request = details(raised.value)
    assert (info.reason, info.domain) == ("OUT_OF_RANGE", "actorgraph")
    assert [v.field for v in bad_request.field_violations] == ["min_confidence"]


def test_stream_of_100_texts_in_order(extraction):
    texts = ["Egypt backs Haftar.", "Turkiye backs the GNU.", "Greece and Cyprus object."]

    def requests():
        for index in range(100):
            yield extraction_pb2.StreamExtractEntitiesRequest(
                request_id=f"item-{index}",
                request=extraction_pb2.ExtractEntitiesRequest(text=texts[index % 3]))

    answers = list(extraction.StreamExtractEntities(requests()))
    assert [a.request_id for a in answers] == [f"item-{i}" for i in range(100)]
    expected = [["egypt", "khalifa-haftar"], ["turkiye", "government-of-national-unity"], ["greece", "cyprus"]]
    for index, answer in enumerate(answers):
        assert answer.WhichOneof("result") == "response"
        assert [m.entity_id for m in answer.response.mentions] == expected[index % 3]


def test_extract_events_spans_codes_and_corroboration(extraction):
    text = "🇹🇷 Türkiye backs the GNU. Japan, South Korea and Australia condemned North Korea."
    answer = extraction.ExtractEvents(extraction_pb2.ExtractEventsRequest(text=text))
    triples = [(e.source.entity_id, e.code, e.target.entity_id) for e in answer.events]
    assert triples == [
        ("turkiye", "051", "government-of-national-unity"),
        ("japan", "111", "north-korea"),
        ("south-korea", "111", "north-korea"),
        ("australia", "111", "north-korea"),
    ]
    backs = answer.events[0]
    assert list(backs.corroborated_relation_ids) == ["turkiye.backs.government-of-national-unity"]
    assert backs.quad_class == extraction_pb2.QUAD_CLASS_VERBAL_COOPERATION
    utf16 = text.encode("utf-16-le")
    for event in answer.events:
        for span, expected in [(event.trigger, event.trigger_text), (event.source.span, event.source.text),
                               (event.target.span, event.target.text)]:
            assert text[span.char_start:span.char_end] == expected
            assert utf16[2 * span.utf16_start:2 * span.utf16_end].decode("utf-16-le") == expected
    with pytest.raises(grpc.RpcError) as raised:
        extraction.ExtractEvents(extraction_pb2.ExtractEventsRequest(text="Egypt backs Libya.", code_roots=["5"]))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    info, bad_request = details(raised.value)
    assert info.reason == "INVALID_CODE_ROOT"
    assert [v.field for v in bad_request.field_violations] == ["code_roots"]


def test_stream_of_events_in_order(extraction):
    texts = ["Egypt backs Haftar.", "Qatar was criticised by Saudi Arabia."]

    def requests():
        for index in range(20):
            yield extraction_pb2.StreamExtractEventsRequest(
                request_id=f"item-{index}",
                request=extraction_pb2.ExtractEventsRequest(text=texts[index % 2]))

    answers = list(extraction.StreamExtractEvents(requests()))
    assert [a.request_id for a in answers] == [f"item-{i}" for i in range(20)]
    expected = [("egypt", "051", "khalifa-haftar"), ("saudi-arabia", "111", "qatar")]
    for index, answer in enumerate(answers):
        assert answer.WhichOneof("result") == "response"
        assert [(e.source.entity_id, e.code, e.target.entity_id) for e in answer.response.events] == [expected[index % 2]]


def test_get_and_search_entities(knowledge):
    entity = knowledge.GetEntity(knowledge_pb2.GetEntityRequest(id="turkiye")).entity
    assert entity.name == "Türkiye" and entity.type == types_pb2.ENTITY_TYPE_COUNTRY
    assert entity.codes.iso3166_alpha3 == "TUR"
    for query, expected in [("turkey", "turkiye"), ("Kalin", "ibrahim-kalin"), ("Hafter", "khalifa-haftar")]:
        hits = knowledge.SearchEntities(knowledge_pb2.SearchEntitiesRequest(query=query)).hits
        assert hits[0].entity.id == expected, query


def test_pagination_walk_matches_one_big_page(knowledge):
    regions = types_pb2.ENTITY_TYPE_REGION
    big = knowledge.ListEntities(knowledge_pb2.ListEntitiesRequest(type=regions, page_size=500))
    assert not big.next_page_token, "the regions fit one page"
    walked, token = [], ""
    while True:
        page = knowledge.ListEntities(
            knowledge_pb2.ListEntitiesRequest(type=regions, page_size=3, page_token=token))
        walked += [e.id for e in page.entities]
        token = page.next_page_token
        if not token:
            break
    assert walked == [e.id for e in big.entities] and len(walked) == big.total_size > 3
    with pytest.raises(grpc.RpcError) as raised:
        knowledge.ListEntities(knowledge_pb2.ListEntitiesRequest(page_size=3, page_token="forged"))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details(raised.value)[0].reason == "INVALID_PAGE_TOKEN"


def test_relations_and_paths(knowledge):
    relations = knowledge.ListRelations(knowledge_pb2.ListRelationsRequest(
        entity_id="libyan-national-army", predicate="backed_by")).relations
    assert sorted(r.subject.id for r in relations) == ["egypt", "france", "united-arab-emirates"]
    paths = knowledge.FindPaths(knowledge_pb2.FindPathsRequest(source_id="egypt", target_id="turkiye", max_hops=2)).paths
    assert paths and all(p.hops[0].__getattribute__("from").id == "egypt" for p in paths)
    assert all(p.hops[-1].to.id == "turkiye" for p in paths)


def test_agreements_and_documents(knowledge):
    agreement = knowledge.GetAgreement(knowledge_pb2.GetAgreementRequest(id="turkiye-libya-maritime-agreement")).agreement
    assert agreement.status == knowledge_pb2.AGREEMENT_STATUS_SIGNED
    assert sorted(p.id for p in agreement.disputed_by) == ["cyprus", "egypt", "greece"]
    assert [d.by.id for d in agreement.disputes] == ["greece", "cyprus", "egypt"]
    listed = knowledge.ListAgreements(knowledge_pb2.ListAgreementsRequest(party_id="turkiye"))
    assert listed.total_size == 5
    documents = knowledge.ListDocuments(knowledge_pb2.ListDocumentsRequest()).documents
    document = knowledge.GetDocument(knowledge_pb2.GetDocumentRequest(id=documents[0].id)).document
    evidence = agreement.evidence[0]
    assert document.text[evidence.span.char_start:evidence.span.char_end] == evidence.quote


def test_errors_carry_codes_and_details(knowledge):
    with pytest.raises(grpc.RpcError) as raised:
        knowledge.GetEntity(knowledge_pb2.GetEntityRequest(id="atlantis"))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    info, _ = details(raised.value)
    assert info.reason == "ENTITY_NOT_FOUND" and info.metadata["id"] == "atlantis"
    with pytest.raises(grpc.RpcError) as raised:
        knowledge.FindPaths(knowledge_pb2.FindPathsRequest(source_id="", target_id="egypt"))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    info, bad_request = details(raised.value)
    assert info.reason == "EMPTY_ID"
    assert [v.field for v in bad_request.field_violations] == ["source_id"]


def test_list_predicates_and_the_hop_limit(knowledge):
    answer = knowledge.ListPredicates(knowledge_pb2.ListPredicatesRequest(page_size=500))
    assert answer.total_size == len(answer.predicates) and not answer.next_page_token
    backs = next(p for p in answer.predicates if p.id == "backs")
    assert backs.inverse == "backed_by" and backs.relation_count > 0
    with pytest.raises(grpc.RpcError) as raised:
        knowledge.FindPaths(knowledge_pb2.FindPathsRequest(source_id="egypt", target_id="turkiye", max_hops=7))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details(raised.value)[0].reason == "OUT_OF_RANGE"


def test_corpus_ingest_relations_events_and_delete(corpus, knowledge):
    text = "Moscow, 2 March. Russia condemned Ukraine on Monday."
    document = corpus_pb2.IngestDocumentRequest(
        id="python-client-wire-1", text=text, title="Russia condemns Ukraine",
        publisher="Example Wire", published_date="2026-03-02")
    answer = corpus.IngestDocument(document)
    assert not answer.unchanged and answer.event_count == 1 and len(answer.content_sha256) == 64
    assert corpus.IngestDocument(document).unchanged
    try:
        relations = knowledge.ListRelations(knowledge_pb2.ListRelationsRequest(
            entity_id="ukraine", origin=knowledge_pb2.ORIGIN_CORPUS)).relations
        assert [(r.subject.id, r.predicate, r.document_count, r.first_seen) for r in relations] == [
            ("russia", "opposes", 1, "2026-03-02")]
        evidence = relations[0].evidence[0]
        stored = knowledge.GetDocument(knowledge_pb2.GetDocumentRequest(id=evidence.document_id)).document
        assert stored.text[evidence.span.char_start:evidence.span.char_end] == evidence.quote
        events = corpus.ListEvents(corpus_pb2.ListEventsRequest(actor_id="ukraine", code_root="11")).events
        assert [(e.source.entity.id, e.target.entity.id, e.date) for e in events] == [
            ("russia", "ukraine", "2026-03-02")]
        with pytest.raises(grpc.RpcError) as raised:
            corpus.IngestDocument(corpus_pb2.IngestDocumentRequest(id="python-bad", text=text, published_date="2 March"))
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert details(raised.value)[0].reason == "INVALID_DATE"
    finally:
        deleted = corpus.DeleteDocument(corpus_pb2.DeleteDocumentRequest(id="python-client-wire-1"))
        assert deleted.retracted_event_count == 1
    assert not knowledge.ListRelations(knowledge_pb2.ListRelationsRequest(
        entity_id="ukraine", origin=knowledge_pb2.ORIGIN_CORPUS)).relations
