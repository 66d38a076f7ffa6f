import QtQuick

// Technician: devices and self-tests, configuration, network and restart, recent log.
Item {
    id: screen
    objectName: "screen_admin_technician"

    Row {
        id: tabs
        spacing: units.mm(2)
        Repeater {
            model: ["devices", "config", "network", "log"]
            AButton {
                required property string modelData
                objectName: "tab_" + modelData
                kind: "secondary"
                selected: tech.tab === modelData
                text: adminI18n.t["tab_" + modelData]
                onClicked: tech.set_tab(modelData)
            }
        }
    }

    Loader {
        anchors.top: tabs.bottom
        anchors.topMargin: units.mm(4)
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        sourceComponent: tech.tab === "config" ? configTab
                         : tech.tab === "network" ? networkTab
                         : tech.tab === "log" ? logTab : devicesTab
    }

    Component {
        id: devicesTab
        Item {
            id: devTab
            objectName: "techDevices"
            readonly property bool portrait: width < height
            Column {
                id: devCol
                width: devTab.portrait ? devTab.width : devTab.width * 0.48
                spacing: units.mm(3)
                Repeater {
                    model: tech.devices
                    Rectangle {
                        required property var modelData
                        objectName: "device_" + modelData.name
                        width: devCol.width
                        height: units.mm(14)
                        radius: units.mm(2)
                        color: modelData.ok ? theme.c.ok : theme.c.danger
                        Text {
                            anchors.verticalCenter: parent.verticalCenter
                            anchors.left: parent.left
                            anchors.leftMargin: units.mm(3)
                            width: parent.width - units.mm(6)
                            elide: Text.ElideRight
                            color: modelData.ok ? theme.c.ok_text : theme.c.danger_text
                            font.pixelSize: units.small_px
                            text: modelData.label + ": " + modelData.status_text
                                  + (modelData.detail ? " (" + modelData.detail + ")" : "")
                        }
                    }
                }
                Flow {
                    width: devCol.width
                    spacing: units.mm(2)
                    AButton {
                        objectName: "refreshDevicesButton"
                        kind: "secondary"
                        text: adminI18n.t.refresh
                        onClicked: tech.refresh_devices()
                    }
                    AButton {
                        objectName: "printTestButton"
                        enabledState: tech.busy === ""
                        text: adminI18n.t.print_test
                        onClicked: tech.print_test()
                    }
                    AButton {
                        objectName: "scanTestButton"
                        enabledState: tech.busy === ""
                        text: adminI18n.t.scan_test
                        onClicked: tech.scan_test()
                    }
                    AButton {
                        objectName: tech.camera_on ? "cameraStopButton" : "cameraStartButton"
                        kind: tech.camera_on ? "danger" : "primary"
                        text: tech.camera_on ? adminI18n.t.camera_stop : adminI18n.t.camera_start
                        onClicked: tech.camera_on ? tech.camera_stop() : tech.camera_start()
                    }
                }
                Rectangle {
                    objectName: "techResult"
                    visible: tech.result.length > 0
                    width: devCol.width
                    height: resultText.implicitHeight + units.mm(4)
                    radius: units.mm(2)
                    color: tech.result_ok ? theme.c.surface : theme.c.danger
                    Text {
                        id: resultText
                        anchors.centerIn: parent
                        width: parent.width - units.mm(4)
                        wrapMode: Text.WordWrap
                        color: tech.result_ok ? theme.c.text : theme.c.danger_text
                        font.pixelSize: units.small_px
                        text: tech.result
                    }
                }
            }
            Rectangle {
                anchors.left: devTab.portrait ? devTab.left : devCol.right
                anchors.leftMargin: devTab.portrait ? 0 : units.mm(4)
                anchors.right: parent.right
                anchors.top: devTab.portrait ? devCol.bottom : devTab.top
                anchors.topMargin: devTab.portrait ? units.mm(4) : 0
                anchors.bottom: parent.bottom
                color: theme.c.surface
                border.color: theme.c.border
                border.width: units.mm(0.3)
                Text {
                    objectName: "previewCaption"
                    id: caption
                    anchors.top: parent.top
                    anchors.left: parent.left
                    anchors.margins: units.mm(2)
                    width: parent.width - units.mm(4)
                    wrapMode: Text.WordWrap
                    color: theme.c.text
                    font.pixelSize: units.small_px
                    font.bold: tech.camera_on
                    text: tech.camera_on ? (tech.camera_seen.length > 0 ? tech.camera_seen
                                                                         : adminI18n.t.camera_waiting)
                          : tech.scan_url.length > 0 ? adminI18n.t.scan_preview : adminI18n.t.preview_empty
                }
                Image {
                    objectName: tech.camera_on ? "cameraView" : "scanPreview"
                    anchors.top: caption.bottom
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.bottom: parent.bottom
                    anchors.margins: units.mm(2)
                    fillMode: Image.PreserveAspectFit
                    cache: false
                    source: tech.camera_on ? tech.camera_url : tech.scan_url
                }
            }
        }
    }

    Component {
        id: configTab
        Item {
            objectName: "techConfig"
            Flickable {
                id: flick
                anchors.top: parent.top
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: actions.top
                anchors.bottomMargin: units.mm(2)
                contentHeight: form.implicitHeight
                clip: true
                Grid {
                    id: form
                    width: flick.width
                    columns: 2
                    columnSpacing: units.mm(3)
                    rowSpacing: units.mm(1.5)
                    Repeater {
                        model: tech.fields
                        Item {
                            required property var modelData
                            width: form.width / 2 - units.mm(2)
                            height: units.mm(11)
                            Text {
                                id: fieldLabel
                                anchors.verticalCenter: parent.verticalCenter
                                width: parent.width * 0.42
                                elide: Text.ElideRight
                                color: theme.c.text
                                font.pixelSize: units.small_px * 0.8
                                text: modelData.label
                            }
                            Rectangle {
                                anchors.left: fieldLabel.right
                                anchors.leftMargin: units.mm(1)
                                anchors.right: parent.right
                                anchors.verticalCenter: parent.verticalCenter
                                height: units.mm(9)
                                radius: units.mm(1)
                                color: theme.c.background
                                border.color: input.activeFocus ? theme.c.focus : theme.c.border
                                border.width: units.mm(0.4)
                                TextInput {
                                    id: input
                                    objectName: "cfg_" + modelData.key.replace(/\./g, "_")
                                    visible: modelData.kind !== "choice"
                                    anchors.fill: parent
                                    anchors.leftMargin: units.mm(1.5)
                                    anchors.rightMargin: units.mm(1.5)
                                    verticalAlignment: TextInput.AlignVCenter
                                    clip: true
                                    color: theme.c.text
                                    font.pixelSize: units.small_px * 0.8
                                    text: modelData.value
                                    Accessible.role: Accessible.EditableText
                                    Accessible.name: modelData.label
                                    onTextEdited: tech.set_value(modelData.key, text)
                                    // typing ends the binding to modelData: a reload sets it again
                                    Connections {
                                        target: tech
                                        function onFields_changed() { input.text = tech.value(modelData.key) }
                                    }
                                }
                                AButton {
                                    objectName: "cfg_" + modelData.key.replace(/\./g, "_")
                                    visible: modelData.kind === "choice"
                                    anchors.fill: parent
                                    kind: "secondary"
                                    text: modelData.value + "  ⟳"
                                    onClicked: tech.cycle(modelData.key)
                                }
                            }
                        }
                    }
                }
            }
            Row {
                id: actions
                anchors.bottom: parent.bottom
                anchors.left: parent.left
                spacing: units.mm(3)
                AButton {
                    objectName: "saveConfigButton"
                    kind: "ok"
                    text: adminI18n.t.cfg_save
                    onClicked: tech.save_config()
                }
                AButton {
                    objectName: "reloadConfigButton"
                    kind: "secondary"
                    text: adminI18n.t.cfg_reload
                    onClicked: tech.load_config()
                }
                Rectangle {
                    objectName: "configMessage"
                    visible: tech.config_message.length > 0
                    width: actions.parent.width - x
                    height: Math.max(units.mm(12), cfgMsg.implicitHeight + units.mm(2))
                    radius: units.mm(2)
                    color: tech.config_ok ? theme.c.ok : theme.c.danger
                    Text {
                        id: cfgMsg
                        anchors.centerIn: parent
                        width: parent.width - units.mm(4)
                        wrapMode: Text.WordWrap
                        color: tech.config_ok ? theme.c.ok_text : theme.c.danger_text
                        font.pixelSize: units.small_px * 0.8
                        text: tech.config_message
                    }
                }
            }
        }
    }

    Component {
        id: networkTab
        Column {
            objectName: "techNetwork"
            spacing: units.mm(4)
            AButton {
                objectName: "netTestButton"
                enabledState: tech.busy === ""
                text: adminI18n.t.net_test
                onClicked: tech.network_test()
            }
            Rectangle {
                objectName: "netMessage"
                visible: tech.net_message.length > 0
                width: parent.width
                height: netText.implicitHeight + units.mm(4)
                radius: units.mm(2)
                color: tech.net_ok ? theme.c.surface : theme.c.danger
                Text {
                    id: netText
                    anchors.centerIn: parent
                    width: parent.width - units.mm(4)
                    wrapMode: Text.WordWrap
                    color: tech.net_ok ? theme.c.text : theme.c.danger_text
                    font.pixelSize: units.small_px
                    text: tech.net_message
                }
            }
            ALabel {
                width: parent.width
                text: adminI18n.t.restart_hint
            }
            AButton {
                objectName: "restartButton"
                kind: "danger"
                text: adminI18n.t.restart
                onClicked: tech.restart()
            }
        }
    }

    Component {
        id: logTab
        Item {
            objectName: "techLog"
            AButton {
                id: refreshLog
                objectName: "refreshLogButton"
                kind: "secondary"
                text: adminI18n.t.refresh
                onClicked: tech.refresh_log()
            }
            ListView {
                objectName: "logList"
                anchors.top: refreshLog.bottom
                anchors.topMargin: units.mm(2)
                anchors.left: parent.left
                anchors.right: parent.right
                anchors.bottom: parent.bottom
                clip: true
                model: tech.log
                delegate: Text {
                    required property var modelData
                    width: ListView.view.width
                    elide: Text.ElideRight
                    color: theme.c.text
                    font.pixelSize: units.small_px * 0.8
                    text: modelData.at + "  " + modelData.actor + "  " + modelData.action
                          + (modelData.detail ? "  " + modelData.detail : "")
                }
            }
        }
    }
}
