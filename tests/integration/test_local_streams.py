"""The local stack's moto keeps DynamoDB's promise for streams: a cancelled transaction
leaves no record, and readers go on seeing what comes after it."""

from __future__ import annotations

import botocore.session
import pytest
from moto import mock_aws
from moto.dynamodb.models import DynamoDBBackend

from functions.local.aws import keep_streams_through_cancelled_transactions


def test_a_cancelled_transaction_leaves_no_record_and_later_ones_are_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Only this test's moto is changed: the patch goes when the test ends.
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items",
                        DynamoDBBackend.transact_write_items)
    keep_streams_through_cancelled_transactions()
    with mock_aws():
        session = botocore.session.get_session()
        dynamodb = session.create_client("dynamodb", region_name="us-east-1")
        streams = session.create_client("dynamodbstreams", region_name="us-east-1")
        arn = dynamodb.create_table(
            TableName="things", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]

        # GIVEN a reader that has read the first write
        dynamodb.put_item(TableName="things", Item={"pk": {"S": "first"}})
        read = streams.get_records(ShardIterator=iterator)
        assert [r["eventName"] for r in read["Records"]] == ["INSERT"]
        iterator = read["NextShardIterator"]

        # WHEN a transaction writes one item and fails its condition on another
        with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
            dynamodb.transact_write_items(TransactItems=[
                {"Put": {"TableName": "things", "Item": {"pk": {"S": "cancelled"}}}},
                {"ConditionCheck": {"TableName": "things", "Key": {"pk": {"S": "absent"}},
                                    "ConditionExpression": "attribute_exists(pk)"}},
            ])
        dynamodb.put_item(TableName="things", Item={"pk": {"S": "after"}})

        # THEN the reader sees the write after it, and nothing of the cancelled one
        records = streams.get_records(ShardIterator=iterator)["Records"]
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["after"]
        assert "Item" not in dynamodb.get_item(TableName="things", Key={"pk": {"S": "cancelled"}})
