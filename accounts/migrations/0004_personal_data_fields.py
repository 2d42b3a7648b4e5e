"""Personal data through the reusable field classes of shequyun/crypto.py: the same columns, no table change."""

from django.db import migrations

import shequyun.crypto


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_personal_data_history_anomalies")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name="user", name="phone_encrypted"),
                migrations.RemoveField(model_name="user", name="id_number_encrypted"),
                migrations.AddField(
                    model_name="user", name="phone",
                    field=shequyun.crypto.EncryptedTextField(blank=True, db_column="phone_encrypted", editable=False,
                                                             verbose_name="手机号"),
                ),
                migrations.AddField(
                    model_name="user", name="id_number",
                    field=shequyun.crypto.EncryptedTextField(blank=True, db_column="id_number_encrypted",
                                                             editable=False, verbose_name="身份证号"),
                ),
                migrations.AlterField(
                    model_name="user", name="phone_index",
                    field=shequyun.crypto.BlindIndexField(blank=True, db_index=True, editable=False, max_length=64,
                                                          source="phone", verbose_name="手机号索引"),
                ),
            ],
        ),
    ]
